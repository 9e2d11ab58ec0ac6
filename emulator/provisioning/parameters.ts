import { x509 } from '../../lib/pki/x509';

/** The subject fields JITP passes to a template, by parameter name suffix (AWS developer guide, JITP). */
const SUBJECT_FIELDS: Record<string, string> = {
  CommonName: '2.5.4.3',
  Country: '2.5.4.6',
  Organization: '2.5.4.10',
  OrganizationalUnit: '2.5.4.11',
  DistinguishedNameQualifier: '2.5.4.46',
  StateName: '2.5.4.8',
  // The subject's serialNumber attribute: JITP reads only the subject, not the certificate's serial.
  SerialNumber: '2.5.4.5',
};

/**
 * The parameters JITP gives a template: AWS::IoT::Certificate::{CommonName, Country, Organization,
 * OrganizationalUnit, DistinguishedNameQualifier, StateName, SerialNumber} from the certificate's subject
 * (the first value of each field it has) and AWS::IoT::Certificate::Id, the certificate's id.
 */
export function certificateParameters(pem: string, certificateId: string): Record<string, string> {
  const cert = new x509.X509Certificate(pem);
  const out: Record<string, string> = { 'AWS::IoT::Certificate::Id': certificateId };
  for (const [name, oid] of Object.entries(SUBJECT_FIELDS)) {
    const value = cert.subjectName.getField(oid)[0];
    if (value !== undefined) out[`AWS::IoT::Certificate::${name}`] = value;
  }
  return out;
}
