'use client';

import { memo, useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { controlClasses, inputClasses } from '@/components/ui/field-styles';
import { Field } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';

import type { MqttPublish, MqttResult } from './use-mqtt-session';
import { payloadProblem, publishTopicProblem } from './validation';

/** Publish as the dashboard: topic, QoS, retain, and a payload checked as JSON or sent as raw text. */
export const PublishForm = memo(function PublishForm({
  onPublish,
}: {
  onPublish: (m: MqttPublish) => Promise<MqttResult>;
}) {
  const toast = useToast();
  const [topic, setTopic] = useState('');
  const [qos, setQos] = useState<0 | 1>(0);
  const [retain, setRetain] = useState(false);
  const [format, setFormat] = useState<'json' | 'text'>('json');
  const [payload, setPayload] = useState('{\n  "message": "Hello from the dashboard"\n}');
  const [errors, setErrors] = useState<{ topic?: string; payload?: string; form?: string }>({});
  const [pending, setPending] = useState(false);

  const topicError = (topic ? publishTopicProblem(topic) : undefined) ?? errors.topic;
  const payloadError = errors.payload;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const next = {
      topic: topic ? publishTopicProblem(topic) : 'Enter the topic to publish to.',
      payload: payloadProblem(payload, format),
    };
    if (next.topic || next.payload) {
      setErrors(next);
      return;
    }
    setErrors({});
    setPending(true);
    const result = await onPublish({ topic, payload, qos, retain });
    setPending(false);
    if (result.ok) toast(`Published to ${topic}`);
    else setErrors({ form: result.error });
  }

  return (
    <section aria-labelledby="publish-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="publish-heading" className="text-base font-semibold text-slate-900">
        Publish
      </h2>
      <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Publish">
        <Field id="mqtt-publish-topic" label="Topic" errors={topicError ? [topicError] : undefined}>
          {(control) => (
            <input
              {...control}
              className={cn(inputClasses, 'font-mono')}
              value={topic}
              placeholder="my-device/commands"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => {
                setTopic(e.target.value);
                setErrors((x) => ({ ...x, topic: undefined, form: undefined }));
              }}
            />
          )}
        </Field>
        <div className="flex flex-wrap items-center gap-4">
          <label className="flex items-center gap-2 text-sm text-slate-800">
            QoS
            <select
              className={cn(controlClasses, 'w-16')}
              value={qos}
              onChange={(e) => setQos(e.target.value === '1' ? 1 : 0)}
            >
              <option value="0">0</option>
              <option value="1">1</option>
            </select>
          </label>
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} className="size-4" />
            Retain
          </label>
          <fieldset className="flex items-center gap-3 text-sm text-slate-800">
            <legend className="sr-only">Payload format</legend>
            <label className="flex items-center gap-1">
              <input
                type="radio"
                name="mqtt-payload-format"
                checked={format === 'json'}
                onChange={() => {
                  setFormat('json');
                  setErrors((x) => ({ ...x, payload: undefined }));
                }}
              />
              JSON
            </label>
            <label className="flex items-center gap-1">
              <input
                type="radio"
                name="mqtt-payload-format"
                checked={format === 'text'}
                onChange={() => {
                  setFormat('text');
                  setErrors((x) => ({ ...x, payload: undefined }));
                }}
              />
              Raw text
            </label>
          </fieldset>
        </div>
        <Field id="mqtt-publish-payload" label="Payload" errors={payloadError ? [payloadError] : undefined}>
          {(control) => (
            <textarea
              {...control}
              rows={6}
              className={cn(inputClasses, 'font-mono text-xs')}
              value={payload}
              spellCheck={false}
              onChange={(e) => {
                setPayload(e.target.value);
                setErrors((x) => ({ ...x, payload: undefined, form: undefined }));
              }}
            />
          )}
        </Field>
        {errors.form ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
            {errors.form}
          </p>
        ) : null}
        <Button type="submit" disabled={pending}>
          {pending ? 'Publishing…' : 'Publish'}
        </Button>
      </form>
    </section>
  );
});
