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

/**
 * The certificate parameters a template can use: always AWS::IoT::Certificate::Id, and the subject's fields only
 * when the template's text names one (reading the subject means parsing the certificate, which fleet provisioning
 * templates rarely need).
 */
export function certificateParametersFor(
  templateBody: string,
  pem: string,
  certificateId: string,
): Record<string, string> {
  const names = templateBody.match(/AWS::IoT::Certificate::\w+/g) ?? [];
  if (names.every((n) => n === 'AWS::IoT::Certificate::Id')) return { 'AWS::IoT::Certificate::Id': certificateId };
  return certificateParameters(pem, certificateId);
}
