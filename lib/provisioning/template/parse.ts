import {
  isObject,
  type Json,
  type ProvisioningTemplate,
  RESOURCE_TYPES,
  show,
  type TemplateParameter,
  type TemplateResource,
  TemplateError,
  THING,
  CERTIFICATE,
} from './model';

/** Checks a template's shape (sections, parameter declarations, resource types). */
export function parseProvisioningTemplate(body: string): ProvisioningTemplate {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new TemplateError(`The provisioning template is not valid JSON (${(e as Error).message}).`);
  }
  if (!isObject(doc)) throw new TemplateError('The provisioning template must be a JSON object.');

  const parameters: Record<string, TemplateParameter> = {};
  const rawParams = doc.Parameters ?? {};
  if (!isObject(rawParams)) throw new TemplateError('Parameters must be an object.');
  for (const [name, decl] of Object.entries(rawParams)) {
    if (!isObject(decl)) throw new TemplateError(`Parameter ${name} must be an object such as {"Type": "String"}.`);
    const type = decl.Type ?? 'String';
    if (type !== 'String' && type !== 'Number') {
      throw new TemplateError(
        `Parameter ${name} has Type ${show(type)}; provisioning templates support String and Number.`,
      );
    }
    const param: TemplateParameter = { type };
    if (decl.Default !== undefined) {
      if (typeof decl.Default !== 'string' && typeof decl.Default !== 'number') {
        throw new TemplateError(`Parameter ${name} has a Default that is not a string: ${show(decl.Default)}.`);
      }
      param.default = String(decl.Default);
    }
    parameters[name] = param;
  }

  const mappings: ProvisioningTemplate['mappings'] = {};
  const rawMappings = doc.Mappings ?? {};
  if (!isObject(rawMappings)) throw new TemplateError('Mappings must be an object.');
  for (const [name, map] of Object.entries(rawMappings)) {
    if (!isObject(map) || !Object.values(map).every(isObject)) {
      throw new TemplateError(`Mapping ${name} must be an object of objects ({"key": {"name": value}}).`);
    }
    mappings[name] = map as Record<string, Record<string, Json>>;
  }

  const rawConditions = doc.Conditions ?? {};
  if (!isObject(rawConditions)) throw new TemplateError('Conditions must be an object.');

  const rawResources = doc.Resources;
  if (!isObject(rawResources) || Object.keys(rawResources).length === 0) {
    throw new TemplateError('The provisioning template has no Resources.');
  }
  const resources: TemplateResource[] = [];
  for (const [logicalId, res] of Object.entries(rawResources)) {
    if (!isObject(res)) throw new TemplateError(`Resource ${logicalId} must be an object with Type and Properties.`);
    if (typeof res.Type !== 'string' || !RESOURCE_TYPES.includes(res.Type)) {
      throw new TemplateError(
        `Resource ${logicalId} has unsupported Type ${show(res.Type)}; provisioning templates support ${RESOURCE_TYPES.join(', ')}.`,
      );
    }
    const properties = res.Properties ?? {};
    if (!isObject(properties)) throw new TemplateError(`Resource ${logicalId}: Properties must be an object.`);
    const resource: TemplateResource = { logicalId, type: res.Type, properties };
    if (res.OverrideSettings !== undefined) {
      if (!isObject(res.OverrideSettings))
        throw new TemplateError(`Resource ${logicalId}: OverrideSettings must be an object.`);
      resource.overrideSettings = res.OverrideSettings;
    }
    if (res.Condition !== undefined) {
      if (typeof res.Condition !== 'string' || !(res.Condition in rawConditions)) {
        throw new TemplateError(
          `Resource ${logicalId} names Condition ${show(res.Condition)}, which Conditions does not declare.`,
        );
      }
      resource.condition = res.Condition;
    }
    resources.push(resource);
  }
  for (const type of [THING, CERTIFICATE]) {
    const ids = resources.filter((r) => r.type === type).map((r) => r.logicalId);
    if (ids.length > 1)
      throw new TemplateError(`A provisioning template may declare one ${type}; found ${ids.join(', ')}.`);
  }
  const parsed: ProvisioningTemplate = { parameters, mappings, conditions: rawConditions, resources };
  if (doc.DeviceConfiguration !== undefined) {
    if (!isObject(doc.DeviceConfiguration)) {
      throw new TemplateError('DeviceConfiguration must be an object of names and values ({"name": "value"}).');
    }
    parsed.deviceConfiguration = doc.DeviceConfiguration;
  }
  return parsed;
}
