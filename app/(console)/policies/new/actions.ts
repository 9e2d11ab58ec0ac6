'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { audited } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { toAppError } from '@/lib/aws/errors';
import { createPolicy } from '@/lib/aws/policies';
import { failed, formValues, invalid, type ActionState } from '@/lib/forms/action-state';
import { policyNameInput } from '@/lib/policies/names';
import { policyDocument } from '@/lib/validation/policy-document';

const createPolicySchema = z.object({
  name: policyNameInput,
  document: policyDocument,
});

export const createPolicyAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    // Browsers submit a textarea's line breaks as CRLF; store the document with the LF the operator saw.
    values.document = (values.document ?? '').replace(/\r\n?/g, '\n');
    const parsed = createPolicySchema.safeParse({ name: values.name ?? '', document: values.document ?? '' });
    if (!parsed.success) return invalid(parsed.error, values, 'Fix the highlighted fields; nothing was created.');

    const { name, document } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'policy.create', resource: { type: 'policy', id: name } },
        () => createPolicy(name, document),
        { after: (p) => ({ resource: { type: 'policy', id: p.name, arn: p.arn } }) },
      );
    } catch (err) {
      const e = toAppError(err);
      // AWS's refusals that belong to one field are shown beside it.
      if (e.code === 'already_exists')
        return { status: 'invalid', message: e.message, fieldErrors: { name: [e.message] }, values };
      if (e.source === 'MalformedPolicyException') {
        return { status: 'invalid', message: e.message, fieldErrors: { document: [e.message] }, values };
      }
      return failed(e.message, values);
    }
    revalidatePath('/policies');
    redirect(`/policies/${encodeURIComponent(name)}?created=1`);
  },
);
