import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  ListPrincipalThingsCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';

import { clearFaults, createThings, expect, injectFault, test } from './fixtures';
import { DeleteThingPage, NewThingPage, ThingDetailPage } from './pages/things-page';

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function notFound(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return true;
    throw err;
  }
}

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
});

async function newCertificate(iot: IoTClient) {
  const out = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  return { arn: out.certificateArn!, id: out.certificateId! };
}

test.describe('Things: create, edit, search, delete', () => {
  test('creates a thing through the form, with attributes, and shows it', async ({ page, iot }) => {
    const name = `e2e-new-${unique()}`;
    const form = new NewThingPage(page);
    await form.goto();
    await expect(form.heading).toBeVisible();
    await form.name.fill(name);
    await form.attributes.fill(
      [
        ['site', 'lab'],
        ['floor', '2'],
      ],
      1,
    );
    await form.submit.click();

    const detail = new ThingDetailPage(page, name);
    await expect(page).toHaveURL(new RegExp(`/things/${name}$`));
    await expect(detail.heading).toBeVisible();
    await expect(page.getByText(`Thing "${name}" created.`)).toBeVisible();
    await expect(detail.attributes.name(1)).toHaveValue('floor');
    await expect(detail.attributes.value(1)).toHaveValue('2');
    await expect(detail.attributes.name(2)).toHaveValue('site');
    await expect(detail.attributes.value(2)).toHaveValue('lab');
    await expect(page.getByRole('link', { name: 'Shadow' })).toHaveAttribute('href', `/things/${name}/shadow`);
    await expect(page.getByRole('link', { name: 'Credentials bundle' })).toHaveAttribute(
      'href',
      `/api/things/${name}/bundle`,
    );

    const described = await iot.send(new DescribeThingCommand({ thingName: name }));
    expect(described.attributes).toEqual({ site: 'lab', floor: '2' });

    // The same name again is refused beside the name field.
    await form.goto();
    await form.name.fill(name);
    await form.submit.click();
    await expect(form.nameError).toContainText('already exists');
  });

  test('a bad name and a 4th attribute without a type are refused beside the fields, and nothing is created', async ({
    page,
    iot,
  }) => {
    const form = new NewThingPage(page);
    await form.goto();
    await form.name.fill('bad name!');
    await form.attributes.fill(
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
        ['d', '4'],
      ],
      1,
    );
    await form.submit.click();
    await expect(form.nameError).toContainText('A thing name can use letters, digits, and : _ - only');
    await expect(form.name).toHaveAttribute('aria-invalid', 'true');
    await expect(form.attributes.groupError).toContainText('at most 3 attributes');
    // What was typed is kept.
    await expect(form.attributes.value(4)).toHaveValue('4');

    // A valid name alone does not get the 4th attribute through.
    const name = `e2e-four-${unique()}`;
    await form.name.fill(name);
    await form.submit.click();
    await expect(form.nameError).toBeEmpty();
    await expect(form.attributes.groupError).toContainText('at most 3 attributes');
    await expect(page).toHaveURL(/\/things\/new$/);

    // A value with a space is refused beside that value.
    await form.attributes.remove(4).click();
    await form.attributes.value(2).fill('two words');
    await form.submit.click();
    await expect(page.locator('#attributes-1-value-error')).toContainText('no spaces');

    expect(await notFound(() => iot.send(new DescribeThingCommand({ thingName: name })))).toBe(true);
  });

  test('edits an attribute, and a concurrent change gives a clear conflict message', async ({ page, iot }) => {
    const name = `e2e-edit-${unique()}`;
    await createThings(iot, [name], { site: 'lab', floor: '1' });
    const detail = new ThingDetailPage(page, name);
    await detail.goto();

    await expect(detail.attributes.name(1)).toHaveValue('floor');
    await detail.attributes.remove(1).click(); // floor
    await expect(detail.attributes.name(1)).toHaveValue('site');
    await detail.attributes.value(1).fill('hall');
    await detail.attributes.addButton.click();
    await detail.attributes.name(2).fill('rack');
    await detail.attributes.value(2).fill('r7');
    await detail.saveAttributes.click();
    await expect(page.getByText('Attributes saved.')).toBeVisible();

    const after = await iot.send(new DescribeThingCommand({ thingName: name }));
    expect(after.attributes).toEqual({ site: 'hall', rack: 'r7' });
    await expect(page.getByText('Version').locator('xpath=following-sibling::dd[1]')).toHaveText(String(after.version));

    // Someone else changes the thing while the page is open.
    await iot.send(
      new UpdateThingCommand({ thingName: name, attributePayload: { attributes: { site: 'yard' }, merge: true } }),
    );
    await detail.attributes.value(2).fill('roof');
    await detail.saveAttributes.click();
    await expect(detail.attributesForm.getByText('Someone else changed thing')).toBeVisible();
    const untouched = await iot.send(new DescribeThingCommand({ thingName: name }));
    expect(untouched.attributes).toEqual({ site: 'yard', rack: 'r7' });
  });

  test('prefix search finds a thing among others', async ({ page, thingsPage, iot }) => {
    const id = unique();
    const wanted = [`e2e-pfx-${id}-alpha`, `e2e-pfx-${id}-beta`];
    const others = [`e2e-other-${id}`, `e2e-pfxx-${id}`];
    await createThings(iot, [...wanted, ...others]);

    await thingsPage.goto();
    await thingsPage.searchPrefix(`e2e-pfx-${id}`);
    // Made outside the dashboard: an index read before them shows them after a refresh.
    await thingsPage.refresh.click();
    for (const name of wanted) await expect(thingsPage.row(name)).toBeVisible();
    for (const name of others) await expect(thingsPage.row(name)).toHaveCount(0);
    await expect(thingsPage.pagination).toContainText('2 things match');

    // A prefix no thing name could have is refused beside the field.
    await thingsPage.prefix.fill('has space');
    await thingsPage.searchButton.click();
    await expect(page.locator('#q-error')).toContainText(
      'No thing starts with that. A thing name can use letters, digits',
    );

    // A thing created in the dashboard is found at once, without a refresh.
    const made = `e2e-pfx-${id}-gamma`;
    const form = new NewThingPage(page);
    await form.goto();
    await form.name.fill(made);
    await form.submit.click();
    await expect(new ThingDetailPage(page, made).heading).toBeVisible();
    await thingsPage.goto();
    await thingsPage.searchPrefix(`e2e-pfx-${id}-g`);
    await expect(thingsPage.row(made)).toBeVisible();
    await expect(thingsPage.table.getByRole('row')).toHaveCount(2); // header + one
  });

  test('delete with guided clean-up removes the thing and its own certificate, and only detaches a shared one', async ({
    page,
    iot,
  }) => {
    const id = unique();
    const name = `e2e-del-${id}`;
    const other = `e2e-keep-${id}`;
    const policyName = `e2e-del-policy-${id}`;
    await createThings(iot, [name, other]);
    await iot.send(new CreatePolicyCommand({ policyName, policyDocument: POLICY }));
    const own = await newCertificate(iot);
    await iot.send(new AttachPolicyCommand({ policyName, target: own.arn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: own.arn }));
    const shared = await newCertificate(iot);
    await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: shared.arn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: other, principal: shared.arn }));

    const detail = new ThingDetailPage(page, name);
    await detail.goto();
    await expect(detail.certificates.getByRole('row')).toHaveCount(3);
    await expect(detail.certificates).toContainText('ACTIVE');
    await expect(detail.certificates.getByRole('link', { name: policyName })).toHaveAttribute(
      'href',
      `/policies/${policyName}`,
    );
    await expect(detail.certificates.getByRole('link', { name: `${own.id.slice(0, 16)}…` })).toHaveAttribute(
      'href',
      `/certificates/${own.id}`,
    );
    await detail.deleteLink.click();

    const del = new DeleteThingPage(page, name);
    await expect(del.plannedSteps).toBeVisible();
    await expect(del.plannedSteps.getByRole('listitem')).toHaveCount(5);
    await expect(del.step(`Delete certificate ${own.id.slice(0, 10)}`)).toContainText(`detach policy "${policyName}"`);
    await expect(del.step(`Keep certificate ${shared.id.slice(0, 10)}`)).toContainText(other);
    await expect(del.plannedSteps.getByRole('listitem').last()).toContainText(`Delete thing "${name}"`);

    await del.confirm.fill('not-the-name');
    await del.submit.click();
    await expect(del.confirmError).toContainText(`Type the thing name, ${name}, to confirm.`);
    expect(await notFound(() => iot.send(new DescribeThingCommand({ thingName: name })))).toBe(false);

    await del.confirm.fill(name);
    await del.submit.click();
    await expect(page.getByText(`Thing "${name}" was deleted`)).toBeVisible();
    await expect(del.doneSteps.getByRole('listitem')).toHaveCount(5);

    // Afterwards AWS has: no thing, no exclusive certificate; the shared one only lost this thing; the policy stays.
    expect(await notFound(() => iot.send(new DescribeThingCommand({ thingName: name })))).toBe(true);
    expect(await notFound(() => iot.send(new DescribeCertificateCommand({ certificateId: own.id })))).toBe(true);
    const sharedNow = await iot.send(new DescribeCertificateCommand({ certificateId: shared.id }));
    expect(sharedNow.certificateDescription?.status).toBe('ACTIVE');
    const sharedThings = await iot.send(new ListPrincipalThingsCommand({ principal: shared.arn }));
    expect(sharedThings.things).toEqual([other]);
    await iot.send(new GetPolicyCommand({ policyName }));

    // Tidy up what this test made on purpose.
    await iot.send(new DetachThingPrincipalCommand({ thingName: other, principal: shared.arn }));
    await iot.send(new UpdateCertificateCommand({ certificateId: shared.id, newStatus: 'INACTIVE' }));
    await iot.send(new DeleteCertificateCommand({ certificateId: shared.id }));
    await iot.send(new DeleteThingCommand({ thingName: other }));
    await iot.send(new DeletePolicyCommand({ policyName }));
  });

  test('a failure at DeleteThing says which step failed and what is left, and Retry completes it', async ({
    page,
    iot,
  }) => {
    const name = `e2e-delfail-${unique()}`;
    await iot.send(new CreateThingCommand({ thingName: name }));
    const cert = await newCertificate(iot);
    await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: cert.arn }));

    const del = new DeleteThingPage(page, name);
    await del.goto();
    await expect(del.plannedSteps.getByRole('listitem')).toHaveCount(3);
    // Enough failures to outlast the SDK's own retries.
    await injectFault({ operation: 'DeleteThing', error: 'ServiceUnavailableException', count: 5 });
    try {
      await del.confirm.fill(name);
      await del.submit.click();
      await expect(page.getByText('Deletion stopped')).toBeVisible();
      await expect(page.getByRole('main')).toContainText(`Step failed: Delete thing "${name}"`);
      await expect(del.leftOver).toContainText(`Thing "${name}" still exists.`);
      await expect(del.doneSteps.getByRole('listitem').filter({ hasText: 'Detach certificate' })).toContainText('Done');
      await expect(del.doneSteps.getByRole('listitem').filter({ hasText: `Delete thing "${name}"` })).toContainText(
        'Failed',
      );
      // The certificate is already gone; the thing is not.
      expect(await notFound(() => iot.send(new DescribeCertificateCommand({ certificateId: cert.id })))).toBe(true);
      expect(await notFound(() => iot.send(new DescribeThingCommand({ thingName: name })))).toBe(false);
    } finally {
      await clearFaults();
    }

    await del.retry.click();
    await expect(page.getByText(`Thing "${name}" was deleted`)).toBeVisible();
    expect(await notFound(() => iot.send(new DescribeThingCommand({ thingName: name })))).toBe(true);
  });
});
