import { isObject, type Json, type JsonObject, type ProvisioningTemplate, show, TemplateError } from './model';

/**
 * The evaluator of a template's values: parameters (and their Defaults), Conditions, and the intrinsic functions
 * Ref, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Fn::FindInMap, Fn::If, Fn::Equals, Fn::And, Fn::Or, Fn::Not.
 * Every error names the place in the template (`Resources.thing.Properties.ThingName`).
 */

/** Marks a value `{"Ref": "AWS::NoValue"}` removed. */
export const NO_VALUE = Symbol('AWS::NoValue');
type Value = Json | typeof NO_VALUE;

export const FUNCTIONS: ReadonlySet<string> = new Set([
  'Ref',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::FindInMap',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
]);

export class Evaluator {
  private readonly values: Record<string, string> = {};
  private readonly conditionValues = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly template: ProvisioningTemplate,
    supplied: Record<string, string>,
  ) {
    for (const [name, decl] of Object.entries(template.parameters)) {
      const value = supplied[name] ?? decl.default;
      if (value === undefined) {
        throw new TemplateError(
          name.startsWith('AWS::IoT::Certificate::')
            ? `Parameter ${name} has no value: the device certificate has no such field and the parameter has no Default.`
            : `Parameter ${name} has no value and no Default.`,
        );
      }
      if (decl.type === 'Number' && !Number.isFinite(Number(value))) {
        throw new TemplateError(`Parameter ${name} is a Number but its value is ${show(value)}.`);
      }
      this.values[name] = value;
    }
    // Values the caller supplies (the certificate's fields) may be referenced without a declaration.
    for (const [name, value] of Object.entries(supplied)) if (!(name in this.values)) this.values[name] = value;
  }

  ref(name: unknown, at: string): Value {
    if (typeof name !== 'string') throw new TemplateError(`${at}: Ref takes a parameter name, not ${show(name)}.`);
    if (name === 'AWS::NoValue') return NO_VALUE;
    const value = this.values[name];
    if (value !== undefined) return value;
    if (this.template.resources.some((r) => r.logicalId === name)) {
      throw new TemplateError(`${at}: Ref to resource ${name} is not supported; Ref names a parameter.`);
    }
    throw new TemplateError(`${at}: Ref to undeclared parameter ${name}; declare it under Parameters.`);
  }

  condition(name: unknown, at: string): boolean {
    if (typeof name !== 'string' || !(name in this.template.conditions)) {
      throw new TemplateError(`${at}: condition ${show(name)} is not declared under Conditions.`);
    }
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(name)) throw new TemplateError(`Condition ${name} refers to itself.`);
    this.evaluating.add(name);
    const result = this.boolean(this.template.conditions[name]!, `Conditions.${name}`);
    this.evaluating.delete(name);
    this.conditionValues.set(name, result);
    return result;
  }

  /** A condition expression: an Fn:: condition function or `{"Condition": name}`. */
  private boolean(expr: Json, at: string): boolean {
    if (isObject(expr) && Object.keys(expr).length === 1 && 'Condition' in expr)
      return this.condition(expr.Condition, at);
    const v = this.eval(expr, at);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new TemplateError(`${at}: expected a condition (true or false), got ${show(v)}.`);
  }

  private string(v: Value, at: string, what: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TemplateError(`${at}: ${what} must be a string, not ${show(v === NO_VALUE ? 'AWS::NoValue' : v)}.`);
  }

  private args(raw: Json, n: number, fn: string, at: string): Json[] {
    if (!Array.isArray(raw) || raw.length !== n) {
      throw new TemplateError(`${at}: ${fn} takes a list of ${n} values, not ${show(raw)}.`);
    }
    return raw;
  }

  eval(value: Json, at: string): Value {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      value.forEach((v, i) => {
        const r = this.eval(v, `${at}[${i}]`);
        if (r !== NO_VALUE) out.push(r);
      });
      return out;
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      return this.call(keys[0]!, value[keys[0]!]!, `${at}.${keys[0]}`);
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' || k.startsWith('Fn::')) {
        throw new TemplateError(`${at}: ${k} must be the only key of its object.`);
      }
      const r = this.eval(v, `${at}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private call(fn: string, raw: Json, at: string): Value {
    if (!FUNCTIONS.has(fn)) {
      throw new TemplateError(
        `${at}: unsupported function ${fn}; provisioning templates support ${[...FUNCTIONS].join(', ')}.`,
      );
    }
    switch (fn) {
      case 'Ref':
        return this.ref(raw, at);
      case 'Fn::Join': {
        const [delim, list] = this.args(raw, 2, fn, at);
        if (typeof delim !== 'string') throw new TemplateError(`${at}: the delimiter must be a string.`);
        const items = this.eval(list!, `${at}[1]`);
        if (!Array.isArray(items)) throw new TemplateError(`${at}: the second value must be a list.`);
        return items.map((v, i) => this.string(v, `${at}[1][${i}]`, 'each joined value')).join(delim);
      }
      case 'Fn::Select': {
        const [rawIndex, list] = this.args(raw, 2, fn, at);
        const index = Number(this.string(this.eval(rawIndex!, `${at}[0]`), `${at}[0]`, 'the index'));
        const items = this.eval(list!, `${at}[1]`);
        if (!Array.isArray(items)) throw new TemplateError(`${at}: the second value must be a list.`);
        if (!Number.isInteger(index) || index < 0 || index >= items.length) {
          throw new TemplateError(`${at}: index ${show(rawIndex)} is outside the list of ${items.length}.`);
        }
        return items[index]!;
      }
      case 'Fn::Split': {
        const [delim, source] = this.args(raw, 2, fn, at);
        if (typeof delim !== 'string' || delim === '')
          throw new TemplateError(`${at}: the delimiter must be a non-empty string.`);
        return this.string(this.eval(source!, `${at}[1]`), `${at}[1]`, 'the value to split').split(delim);
      }
      case 'Fn::Sub':
        return this.sub(raw, at);
      case 'Fn::FindInMap': {
        const [m, k1, k2] = this.args(raw, 3, fn, at).map((v, i) =>
          this.string(this.eval(v, `${at}[${i}]`), `${at}[${i}]`, 'each key'),
        );
        const map = this.template.mappings[m!];
        if (!map) throw new TemplateError(`${at}: mapping ${m} is not declared under Mappings.`);
        const top = map[k1!];
        if (!top || !(k2! in top)) throw new TemplateError(`${at}: mapping ${m} has no value for ${k1}.${k2}.`);
        return this.eval(top[k2!]!, `Mappings.${m}.${k1}.${k2}`);
      }
      case 'Fn::If': {
        const [name, yes, no] = this.args(raw, 3, fn, at);
        return this.condition(name, at) ? this.eval(yes!, `${at}[1]`) : this.eval(no!, `${at}[2]`);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(raw, 2, fn, at);
        return JSON.stringify(this.eval(a!, `${at}[0]`)) === JSON.stringify(this.eval(b!, `${at}[1]`));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(raw) || raw.length < 2 || raw.length > 10) {
          throw new TemplateError(`${at}: ${fn} takes a list of 2 to 10 conditions.`);
        }
        const results = raw.map((c, i) => this.boolean(c, `${at}[${i}]`));
        return fn === 'Fn::And' ? results.every(Boolean) : results.some(Boolean);
      }
      case 'Fn::Not': {
        const [c] = this.args(raw, 1, fn, at);
        return !this.boolean(c!, `${at}[0]`);
      }
    }
    throw new TemplateError(`${at}: unsupported function ${fn}.`);
  }

  private sub(raw: Json, at: string): string {
    let text: Json;
    const vars: Record<string, string> = {};
    if (typeof raw === 'string') text = raw;
    else if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === 'string' && isObject(raw[1])) {
      text = raw[0];
      for (const [k, v] of Object.entries(raw[1]))
        vars[k] = this.string(this.eval(v, `${at}[1].${k}`), `${at}[1].${k}`, k);
    } else {
      throw new TemplateError(`${at}: Fn::Sub takes a string or [string, {name: value}].`);
    }
    return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const value = vars[name] ?? this.values[name];
      if (value === undefined) {
        throw new TemplateError(
          `${at}: \${${name}} is not a parameter or Fn::Sub variable (write \${!${name}} for a literal, e.g. a policy variable).`,
        );
      }
      return value;
    });
  }
}
