import { type AwsError, errorStatus, invalidRequest, operationError } from './errors';

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

/**
 * A fault rule or quota must name an operation the emulator serves (the route table's names, given as `known`),
 * or `*` for faults: a misspelt name would otherwise be accepted and never fire. Without `known`, any name goes.
 */
function requireKnownOperation(operation: string, known: ReadonlySet<string> | undefined, star: boolean): void {
  if (!known || known.has(operation) || (star && operation === '*')) return;
  const names = [...known].sort();
  const guess = names.find((n) => n.toLowerCase() === operation.toLowerCase()) ?? closest(operation, names);
  throw invalidRequest(
    `There is no operation '${operation}'${guess ? ` (did you mean '${guess}'?)` : ''}. Name an AWS IoT operation ` +
      `as the API spells it${star ? ", or '*' for every operation" : ''}. The local IoT Core serves: ${names.join(', ')}.`,
  );
}

/** The known name within a few edits of `name`, if one is clearly closest. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

export class FaultInjector {
  private list: (FaultRule & { error: string })[] = [];

  /** `knownOperations`: the names rules may use (the route table's); any name when omitted. */
  constructor(private readonly knownOperations?: ReadonlySet<string>) {}

  add(rule: FaultRule): void {
    requireKnownOperation(rule.operation, this.knownOperations, true);
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

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** The names rates may use (the route table's); any name when omitted. */
    private readonly knownOperations?: ReadonlySet<string>,
  ) {}

  set(rates: Record<string, number> | null): void {
    for (const operation of Object.keys(rates ?? {})) requireKnownOperation(operation, this.knownOperations, false);
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
