import {
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachPolicyCommand,
  GetPolicyCommand,
  ListPolicyVersionsCommand,
  ListTargetsForPolicyCommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';

import { clearFaults, expect, injectFault, test } from './fixtures';
import { PoliciesPage } from './pages/policies-page';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const THING = '${iot:Connection.Thing.ThingName}';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const connectDoc = doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${THING}` });
const clientIdDoc = doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:ClientId}` });
const publishDoc = doc(
  { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${THING}` },
  { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/${THING}/telemetry` },
);

let counter = 0;
const uniqueName = (label: string) => `e2e-pol-${label}-${Date.now().toString(36)}${counter++}`;

async function policyExists(iot: IoTClient, policyName: string): Promise<boolean> {
  try {
    await iot.send(new GetPolicyCommand({ policyName }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

/** Removes a policy the way AWS requires, ignoring one that is already gone. */
async function removePolicy(iot: IoTClient, policyName: string): Promise<void> {
  if (!(await policyExists(iot, policyName))) return;
  const { policyVersions = [] } = await iot.send(new ListPolicyVersionsCommand({ policyName }));
  for (const v of policyVersions) {
    if (!v.isDefaultVersion)
      await iot.send(new DeletePolicyVersionCommand({ policyName, policyVersionId: v.versionId }));
  }
  const { targets = [] } = await iot.send(new ListTargetsForPolicyCommand({ policyName }));
  for (const target of targets) await iot.send(new DetachPolicyCommand({ policyName, target }));
  await iot.send(new DeletePolicyCommand({ policyName }));
}

test.describe('Policies', () => {
  const created: string[] = [];
  let policies: PoliciesPage;

  test.beforeEach(({ page }) => {
    policies = new PoliciesPage(page);
  });

  test.afterEach(async ({ iot }) => {
    for (const name of created.splice(0)) await removePolicy(iot, name);
  });

  test('creates a policy from the thing-scoped template and lists it', async ({ page, iot }) => {
    const name = uniqueName('scoped');
    created.push(name);

    await policies.goto();
    await policies.newPolicyLink.click();
    await expect(page).toHaveURL(/\/policies\/new$/);
    await expect(policies.template(/Least privilege/)).toBeChecked();
    await expect(policies.documentEditor).toHaveValue(/client\/\$\{iot:Connection\.Thing\.ThingName\}/);
    await expect(policies.documentEditor).toHaveValue(/topicfilter\/\$\{iot:Connection\.Thing\.ThingName\}\/\*/);
    await expect(policies.advice).toContainText('Nothing over-broad found');

    await policies.nameField.fill(name);
    await policies.createButton.click();

    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?created=1$`));
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByText(`Policy "${name}" was created.`)).toBeVisible();

    await policies.goto();
    const row = policies.row(name);
    await expect(row).toBeVisible();
    await expect(row).toContainText('v1');
    await expect(row.getByRole('cell').nth(2)).toHaveText('0');

    const stored = await iot.send(new GetPolicyCommand({ policyName: name }));
    // The account id comes from an existing resource's ARN, or is `*` in an account with none yet.
    expect(stored.policyDocument).toMatch(
      /"arn:aws:iot:us-east-1:(123456789012|\*):topic\/\$\{iot:Connection\.Thing\.ThingName\}\/\*"/,
    );
  });

  test('the editor refuses a malformed document with a clear message and nothing is created', async ({ iot }) => {
    const name = uniqueName('bad');
    created.push(name);
    await policies.gotoNew();
    await policies.nameField.fill(name);

    // A JSON syntax error: a missing comma, located by line and column as it is typed.
    await policies.documentEditor.fill('{\n  "Version": "2012-10-17"\n  "Statement": []\n}');
    await expect(policies.documentError).toContainText("Line 3, column 3: Expected ',' or '}' after a property value");
    await policies.createButton.click();
    await expect(policies.page.getByText('Fix the highlighted fields; nothing was created.')).toBeVisible();
    // One message per JSON error: the line and column once, never also JSON.parse's "at position".
    await expect(policies.documentError).toContainText("Line 3, column 3: Expected ',' or '}' after a property value");
    expect((await policies.documentError.textContent())?.match(/Line 3, column 3/g)).toHaveLength(1);
    await expect(policies.documentError).not.toContainText('position');
    expect(await policyExists(iot, name)).toBe(false);

    // Valid JSON that AWS would refuse: a statement without Effect.
    await policies.documentEditor.fill(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Action: 'iot:Connect', Resource: '*' }] }, null, 2),
    );
    await expect(policies.documentError).toContainText(
      'Statement[0].Effect: The statement has no Effect; use "Allow" or "Deny".',
    );
    await policies.createButton.click();
    await expect(policies.page.getByText('Fix the highlighted fields; nothing was created.')).toBeVisible();
    await expect(policies.page).toHaveURL(/\/policies\/new$/);
    expect(await policyExists(iot, name)).toBe(false);
  });

  test('a document AWS IoT itself refuses shows its MalformedPolicyException message beside the editor', async ({
    iot,
  }) => {
    const name = uniqueName('refused');
    created.push(name);
    await policies.gotoNew();
    await policies.nameField.fill(name);
    // The dashboard validates as AWS does; a service-side refusal (a rule it does not know yet) still reads clearly.
    await injectFault({
      operation: 'CreatePolicy',
      error: 'MalformedPolicyException',
      message: 'Policy document is Malformed: Partition "aws-cn" is not valid for resource',
      count: 1,
    });
    try {
      await policies.createButton.click();
      await expect(policies.documentError).toContainText(
        'AWS IoT refused the policy document: Policy document is Malformed: Partition "aws-cn" is not valid for resource',
      );
    } finally {
      await clearFaults();
    }
    expect(await policyExists(iot, name)).toBe(false);
  });

  test('the linter warns about iot:* on *, and the warning does not block saving', async ({ page, iot }) => {
    const name = uniqueName('broad');
    created.push(name);
    await policies.gotoNew();
    await policies.documentEditor.fill(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }));

    await expect(policies.advice).toContainText('"iot:*" allows every AWS IoT action');
    await expect(policies.advice).toContainText('applies to every client id, topic and thing');
    await expect(policies.advice).toContainText('no Deny statement limits it');
    await expect(policies.documentError).toBeEmpty();

    await policies.nameField.fill(name);
    await policies.createButton.click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    expect(await policyExists(iot, name)).toBe(true);
  });

  test('a new version becomes the default and the diff shows the change', async ({ page, iot }) => {
    const name = uniqueName('versions');
    created.push(name);
    await iot.send(new CreatePolicyCommand({ policyName: name, policyDocument: connectDoc }));

    await policies.gotoPolicy(name);
    await expect(policies.versionRow('1')).toContainText('Default');
    await policies.newVersionEditor.fill(clientIdDoc);
    await expect(policies.setAsDefault).toBeChecked();
    await policies.createVersionButton.click();

    await expect(page.getByText('Version 2 created and is now the default').first()).toBeVisible();
    await expect(policies.versionRow('2')).toContainText('Default');
    await expect(policies.versionRow('1')).not.toContainText('Default');
    await expect(page.getByLabel('Policy document v2')).toContainText('client/${iot:ClientId}');

    // The compare form starts at the previous version -> the default.
    await policies.compareButton.click();
    const diff = policies.diff('1', '2');
    await expect(diff).toContainText('1 added, 1 removed');
    await expect(diff.locator('tr[data-kind="added"]')).toHaveCount(1);
    await expect(diff.locator('tr[data-kind="added"]')).toContainText('client/${iot:ClientId}');
    await expect(diff.locator('tr[data-kind="removed"]')).toContainText('client/${iot:Connection.Thing.ThingName}');

    const { defaultVersionId } = await iot.send(new GetPolicyCommand({ policyName: name }));
    expect(defaultVersionId).toBe('2');

    // And back: make v1 the default again from the table.
    await policies
      .versionRow('1')
      .getByRole('button', { name: /Set as default/ })
      .click();
    await expect(policies.versionRow('1')).toContainText('Default');
  });

  test('a sixth version is refused with the five-version limit explained', async ({ page, iot }) => {
    const name = uniqueName('limit');
    created.push(name);
    await iot.send(new CreatePolicyCommand({ policyName: name, policyDocument: connectDoc }));
    for (let i = 0; i < 4; i++)
      await iot.send(new CreatePolicyVersionCommand({ policyName: name, policyDocument: connectDoc }));

    await policies.gotoPolicy(name);
    await expect(page.getByText('This policy already has 5 versions')).toBeVisible();
    await policies.newVersionEditor.fill(publishDoc);
    await policies.createVersionButton.click();

    await expect(
      page.getByText(
        `Policy "${name}" already has 5 versions, the most AWS IoT keeps. Delete an old version that is not the default`,
      ),
    ).toBeVisible();
    const { policyVersions = [] } = await iot.send(new ListPolicyVersionsCommand({ policyName: name }));
    expect(policyVersions).toHaveLength(5);
  });

  test('attaches to a certificate, then detaches everywhere and deletes in AWS’s order', async ({ page, iot }) => {
    const name = uniqueName('delete');
    created.push(name);
    await iot.send(new CreatePolicyCommand({ policyName: name, policyDocument: connectDoc }));
    await iot.send(
      new CreatePolicyVersionCommand({ policyName: name, policyDocument: publishDoc, setAsDefault: false }),
    );
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: false }));
    const certificateId = cert.certificateId!;

    try {
      await policies.gotoPolicy(name);
      await expect(page.getByText('Not attached to anything yet')).toBeVisible();

      // A malformed id is caught beside the field.
      await policies.certificateField.fill('not-a-certificate');
      await policies.attachButton.click();
      await expect(page.locator('#target-error')).toContainText('64 hexadecimal characters');

      await policies.certificateField.fill(certificateId);
      await policies.attachButton.click();
      const link = policies.targets.getByRole('link', { name: certificateId });
      await expect(link).toHaveAttribute('href', `/certificates/${certificateId}`);

      // AWS would refuse a plain delete; the guided one says what it will do.
      await expect(page.getByText('delete version v2')).toBeVisible();
      await expect(page.getByText('detach it from 1 target')).toBeVisible();
      await expect(policies.deleteEverywhereButton).toBeDisabled();
      await policies.confirmField.fill(name);
      await policies.deleteEverywhereButton.click();

      await expect(page).toHaveURL(/\/policies\?deleted=/);
      await expect(page.getByText(`Policy "${name}" was deleted.`)).toBeVisible();
      await expect(policies.row(name)).toHaveCount(0);
      expect(await policyExists(iot, name)).toBe(false);
    } finally {
      await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
      await iot.send(new DeleteCertificateCommand({ certificateId, forceDelete: true })).catch(() => {});
    }
  });

  test('a name that already exists is refused beside the field', async ({ page, iot }) => {
    const name = uniqueName('taken');
    created.push(name);
    await iot.send(new CreatePolicyCommand({ policyName: name, policyDocument: connectDoc }));

    await policies.gotoNew();
    await policies.nameField.fill(name);
    await policies.createButton.click();

    await expect(policies.nameError).toHaveText(`A policy named "${name}" already exists. Choose another name.`);
    await expect(policies.nameField).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/policies\/new$/);
    // And a name AWS would refuse is explained before anything is sent.
    await policies.nameField.fill('bad name/1');
    await policies.nameField.blur();
    await expect(policies.nameError).toHaveText(
      'A policy name can use letters, digits, and _ + = , . @ - only (not "/" or spaces).',
    );
  });
});
