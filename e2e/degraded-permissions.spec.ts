import { CreateKeysAndCertificateCommand, CreatePolicyCommand, UpdateCertificateCommand } from '@aws-sdk/client-iot';

import { clearFaults, createThings, expect, injectFault, test } from './fixtures';

/**
 * A dashboard on a least-privilege IAM role (docs/iam/) may be denied a read that only decorates a page. The page
 * must still show what it could read and say what it could not, instead of failing whole (issue 11): the emulator
 * answers the named operations with AWS's AccessDeniedException (fault injection) while each page loads.
 */
const denied = (operation: string) =>
  injectFault({
    operation,
    error: 'AccessDeniedException',
    message: `User: arn:aws:sts::123456789012:assumed-role/dashboard-viewer is not authorized to perform: iot:${operation}`,
    count: 1000,
  });

test.afterEach(async () => {
  await clearFaults();
});

test('the certificates list renders when the CA list, certificate details and their things are denied', async ({
  page,
  iot,
}) => {
  const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: false }));
  await iot.send(new UpdateCertificateCommand({ certificateId: cert.certificateId!, newStatus: 'ACTIVE' }));
  for (const operation of ['ListCACertificates', 'DescribeCertificate', 'ListPrincipalThings']) await denied(operation);
  await page.goto('/certificates');
  await expect(page.getByRole('heading', { level: 1, name: 'Certificates' })).toBeVisible();
  await expect(page.locator(`[data-certificate-id="${cert.certificateId}"]`)).toBeVisible();
  await expect(page.getByText('Could not load certificates')).toHaveCount(0);
});

test('a policy page renders its document and versions when its targets are denied, and says so', async ({
  page,
  iot,
}) => {
  const policyName = `degraded-targets-${Date.now().toString(36)}`;
  await iot.send(
    new CreatePolicyCommand({
      policyName,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
      }),
    }),
  );
  await denied('ListTargetsForPolicy');
  await page.goto(`/policies/${policyName}`);
  await expect(page.getByRole('heading', { level: 1, name: policyName })).toBeVisible();
  await expect(page.getByText('Could not load the policy')).toHaveCount(0);
  await expect(page.getByText('iot:Connect').first()).toBeVisible();
  await expect(page.getByText('The targets could not be read')).toBeVisible();
  await expect(page.getByText(/not authorized to perform: iot:ListTargetsForPolicy/)).toBeVisible();
});

test("a thing's page renders when its groups and certificates are denied", async ({ page, iot }) => {
  const thingName = `degraded-thing-${Date.now().toString(36)}`;
  await createThings(iot, [thingName], { site: 'lab' });
  for (const operation of ['ListThingGroupsForThing', 'ListThingGroups', 'ListThingPrincipals'])
    await denied(operation);
  await page.goto(`/things/${thingName}`);
  await expect(page.getByRole('heading', { level: 1, name: thingName })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Attributes' }).locator('input[value="lab"]')).toHaveCount(1);
  await expect(page.getByText('Could not load this thing')).toHaveCount(0);
});
