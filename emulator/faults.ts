import { type AwsError, errorStatus, operationError } from './errors';

/**
 * Fault injection and rate quotas, so tests can see how the dashboard behaves when AWS throttles or
 * fails. Driven through the admin routes under `/_emulator/` (see http/routes/admin.ts) or options.
 */
export interface FaultRule {
  /** Operation name as in the AWS API (`CreateThing`), or `*` for every operation. */
  operation: string;
  /** Exception name to answer with; ThrottlingException by default. */
  error?: string;
  message?: string;
  /** Answer with the error for the next `count` matching calls, then retire the rule. */
  count?: number;
  /** Answer with the error for this share (0-1] of matching calls, until cleared. */
  probability?: number;
}

export class FaultInjector {
  private list: (FaultRule & { error: string })[] = [];

  add(rule: FaultRule): void {
    const error = rule.error ?? 'ThrottlingException';
    if (errorStatus(error, rule.operation) === undefined) throw new Error(`unknown error ${error}`);
    this.list.push({ ...rule, error });
  }

  clear(): void {
    this.list = [];
  }

  rulesNow(): readonly FaultRule[] {
    return this.list;
  }

  /** The error this call must fail with, if a rule says so; consumes one count of a counted rule. */
  check(operation: string): AwsError | undefined {
    for (let i = 0; i < this.list.length; i++) {
      const rule = this.list[i]!;
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if (rule.count !== undefined) {
        rule.count--;
        if (rule.count <= 0) this.list.splice(i, 1);
      } else if (rule.probability !== undefined && Math.random() >= rule.probability) {
        continue;
      }
      return operationError(rule.error, operation, rule.message ?? `Injected fault: ${rule.error} for ${operation}`);
    }
    return undefined;
  }
}

/**
 * AWS IoT's default per-account, per-region request rates (transactions per second) for the operations
 * the product uses. Documented: CreateThing 100, DescribeThing 350, ListThings 10, AttachThingPrincipal
 * 100, UpdateThing/DeleteThing 100. Certificate and policy APIs are lower and not confirmed (reported
 * around 10-15); they are settings, not constants.
 */
export const DEFAULT_QUOTAS: Record<string, number> = {
  CreateThing: 100,
  DescribeThing: 350,
  UpdateThing: 100,
  DeleteThing: 100,
  ListThings: 10,
  AttachThingPrincipal: 100,
  DetachThingPrincipal: 100,
  CreateKeysAndCertificate: 10,
  CreateCertificateFromCsr: 15,
  RegisterCertificate: 10,
  RegisterCertificateWithoutCA: 10,
  UpdateCertificate: 10,
  DeleteCertificate: 10,
  AttachPolicy: 15,
  DetachPolicy: 15,
  CreatePolicy: 10,
};

/** Token buckets per operation holding one second of burst, as AWS's quotas behave. */
export class RateQuotas {
  private rates: Record<string, number> = {};
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  set(rates: Record<string, number> | null): void {
    this.rates = rates ? { ...rates } : {};
    this.buckets.clear();
  }

  current(): Readonly<Record<string, number>> {
    return this.rates;
  }

  /** Throws ThrottlingException when `operation` is over its rate. */
  take(operation: string): void {
    const rate = this.rates[operation];
    if (!rate) return;
    const t = this.now();
    const bucket = this.buckets.get(operation) ?? { tokens: rate, at: t };
    bucket.tokens = Math.min(rate, bucket.tokens + ((t - bucket.at) / 1000) * rate);
    bucket.at = t;
    this.buckets.set(operation, bucket);
    if (bucket.tokens < 1) throw operationError('ThrottlingException', operation, 'Rate exceeded');
    bucket.tokens -= 1;
  }
}
