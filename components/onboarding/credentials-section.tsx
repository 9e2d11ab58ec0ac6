import { SelectField } from '@/components/ui/form';
import { FormSection } from '@/components/ui/form-section';
import { PemField } from '@/components/ui/pem-field';
import { RadioCards } from '@/components/ui/radio';
import { CREDENTIAL_MODES } from '@/lib/onboarding/types';
import { KEY_ALGORITHMS } from '@/lib/pki/browser-keys';

import type { FieldControls } from './form-fields';

/** Where the device's certificate and private key come from. */
export function CredentialsSection({ fields, set, text, errors }: FieldControls) {
  return (
    <FormSection
      title="Credentials"
      description="The X.509 certificate the device presents, and where its private key comes from."
    >
      <RadioCards
        name="credentialMode"
        legend="How does the device get its certificate?"
        value={fields.credentialMode}
        options={CREDENTIAL_MODES}
        onChange={(v) => set('credentialMode', v)}
        errors={errors('credentialMode')}
      />
      {fields.credentialMode === 'browser-key' ? (
        <SelectField
          label="Key algorithm"
          options={KEY_ALGORITHMS}
          errors={errors('keyAlgorithm')}
          {...text('keyAlgorithm')}
          name="keyAlgorithm"
        />
      ) : null}
      {fields.credentialMode === 'own-certificate' ? (
        <>
          <PemField
            name="certificatePem"
            label="Device certificate (PEM)"
            uploadLabel="Upload device certificate (PEM) file"
            hint="-----BEGIN CERTIFICATE----- … Registered without a CA (RegisterCertificateWithoutCA) unless you give its CA below."
            value={fields.certificatePem}
            onText={(v) => set('certificatePem', v)}
            errors={errors('certificatePem')}
          />
          <PemField
            name="caCertificatePem"
            label="CA certificate (PEM, optional)"
            uploadLabel="Upload CA certificate (PEM) file"
            hint="Only for a certificate signed by a CA registered in AWS IoT (RegisterCertificate)."
            value={fields.caCertificatePem}
            onText={(v) => set('caCertificatePem', v)}
            errors={errors('caCertificatePem')}
          />
        </>
      ) : null}
      {fields.credentialMode === 'own-csr' ? (
        <PemField
          name="csrPem"
          label="Certificate signing request (PEM)"
          uploadLabel="Upload certificate signing request (PEM) file"
          kind="csr"
          hint="-----BEGIN CERTIFICATE REQUEST----- … made on the device, for example with openssl req -new."
          value={fields.csrPem}
          onText={(v) => set('csrPem', v)}
          errors={errors('csrPem')}
        />
      ) : null}
    </FormSection>
  );
}
