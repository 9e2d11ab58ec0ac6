import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FieldValue, matches } from './match';
import { parseQuery, QuerySyntaxError } from './query';

/** A document as the index builds one: every field by dotted name. */
const doc = (fields: Record<string, FieldValue | FieldValue[]>) =>
  new Map(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

const lamp = doc({
  thingName: 'MyLightBulb',
  thingId: '40da2e73-c6af-406e-b415-15acae538797',
  thingTypeName: 'LightBulb',
  thingGroupNames: ['LightBulbs', 'DeadBulbs'],
  'attributes.model': '123',
  'attributes.wattage': '75',
  'attributes.site': 'hall a',
  'shadow.reported.temperature': 71.5,
  'shadow.reported.lights.on': true,
  'shadow.desired.colors': ['red', 'green'],
  'shadow.hasDelta': true,
  'shadow.name.config.reported.fw': '1.2.3',
  'connectivity.connected': true,
  'connectivity.timestamp': 1_700_000_000_000,
});
const sensor = doc({
  thingName: 'TempSensor7',
  thingGroupNames: [],
  'attributes.rackId': 'Rack1',
  'attributes.temperature': '97',
  'connectivity.connected': false,
  'connectivity.timestamp': 1_690_000_000_000,
  'connectivity.disconnectReason': 'CONNECTION_LOST',
});

const cases: [query: string, lamp: boolean, sensor: boolean][] = [
  // terms and exact values (case-insensitive values, not fields)
  ['thingName:MyLightBulb', true, false],
  ['thingName:mylightbulb', true, false],
  ['thingTypeName:LightBulb', true, false],
  ['thingGroupNames:DeadBulbs', true, false],
  ['attributes.wattage:75', true, false],
  ['connectivity.connected:true', true, false],
  ['connectivity.connected:false', false, true],
  ['connectivity.disconnectReason:CONNECTION_LOST', false, true],
  // wildcards
  ['thingName:MyLight*', true, false],
  ['thingName:Temp*', false, true],
  ['thingName:TempSensor?', false, true],
  ['thingName:*Bulb', true, false],
  ['thingName:*', true, true],
  ['*', true, true],
  // quoted phrases, and wildcards inside quotes are literal
  ['attributes.site:"hall a"', true, false],
  ['attributes.site:"hall*"', false, false],
  // existence of fields and shadow objects
  ['shadow.reported.lights:*', true, false],
  ['attributes.rackId:*', false, true],
  // shadow values: numbers as numbers, booleans, arrays element by element, named shadows
  ['shadow.reported.temperature:71.50', true, false],
  ['shadow.reported.lights.on:true', true, false],
  ['shadow.desired.colors:green', true, false],
  ['shadow.hasDelta:true', true, false],
  ['shadow.name.config.reported.fw:1.2.*', true, false],
  // ranges and comparisons
  ['attributes.wattage:[60 TO 80]', true, false],
  ['attributes.wattage:[75 TO 80]', true, false],
  ['attributes.wattage:{75 TO 80}', false, false],
  ['attributes.wattage:[* TO 75]', true, false],
  ['attributes.temperature>60', false, true],
  ['attributes.temperature>=97', false, true],
  ['attributes.temperature:>97', false, false],
  ['attributes.temperature<100 attributes.temperature>90', false, true],
  ['shadow.reported.temperature<=71.5', true, false],
  ['connectivity.timestamp<1695000000000', false, true],
  ['attributes.rackId:[Rack0 TO Rack2]', false, true],
  // boolean logic, default AND, grouping, exclusion
  ['thingName:MyLightBulb AND connectivity.connected:true', true, false],
  ['thingName:MyLightBulb connectivity.connected:false', false, false],
  ['thingName:MyLightBulb OR thingName:TempSensor7', true, true],
  ['NOT thingName:MyLightBulb', false, true],
  ['thingName:(MyLight* AND -TempSensor*)', true, false],
  ['thingName:(MyLightBulb OR TempSensor7)', true, true],
  ['(thingName:Temp* OR thingTypeName:LightBulb) AND connectivity.connected:true', true, false],
  ['thingName:Temp* OR thingTypeName:LightBulb AND connectivity.connected:false', false, true],
  ['-connectivity.connected:true', false, true],
  ['thingName:* AND NOT attributes.model:123', false, true],
  // a bare value is looked for in every field
  ['Rack1', false, true],
  ['LightBulbs', true, false],
  // escapes
  ['thingName:My\\LightBulb', true, false],
  // negative numbers are values after a colon, not exclusions
  ['attributes.wattage:-75', false, false],
];

describe('fleet indexing queries', () => {
  for (const [query, expectLamp, expectSensor] of cases) {
    it(`${query} → lamp ${expectLamp}, sensor ${expectSensor}`, () => {
      const tree = parseQuery(query);
      assert.equal(matches(tree, lamp), expectLamp, 'lamp');
      assert.equal(matches(tree, sensor), expectSensor, 'sensor');
    });
  }
});

describe('malformed and unsupported queries', () => {
  const refused: [query: string, message: RegExp][] = [
    ['', /empty/],
    ['thingName:(a OR b', /Expected '\)'/],
    ['thingName:a)', /Unexpected '\)'/],
    ['thingName:"open', /Unterminated/],
    ['thingName:', /no value/],
    ['AND thingName:a', /Unexpected 'AND'/],
    ['thingName:a OR', /ends where a term was expected/],
    ['attributes.x:[1 TO 2', /Expected '\]' or '\}'/],
    ['attributes.x:[1 2]', /Expected 'TO'/],
    ['thingName:a@b', /'@'.*not supported/],
    ['thingName:a;b', /';'.*not supported/],
    ['thingName:*a AND thingGroupNames:*b', /leading wildcard is allowed in one query term only/],
    [`thingName:*a AND attributes.x:${'y'.repeat(100)}`, /at most 100 characters/],
    [Array.from({ length: 13 }, (_, i) => `attributes.a${i}:x`).join(' AND '), /13 terms; at most 12/],
    [`${'('.repeat(10_000)}thingName:a${')'.repeat(10_000)}`, /nest more than 32 deep/],
  ];
  for (const [query, message] of refused) {
    it(`refuses ${JSON.stringify(query.slice(0, 60))}`, () => {
      assert.throws(
        () => parseQuery(query),
        (err: unknown) => err instanceof QuerySyntaxError && message.test(err.message),
      );
    });
  }

  it('a long chain of NOTs is its parity, without deep recursion', () => {
    const tree = parseQuery(`${'NOT '.repeat(20_001)}thingName:MyLightBulb`);
    assert.equal(matches(tree, lamp), false);
    assert.equal(matches(parseQuery(`${'NOT '.repeat(20_000)}thingName:MyLightBulb`), lamp), true);
  });

  it('twelve terms and one leading wildcard are fine', () => {
    parseQuery(Array.from({ length: 12 }, (_, i) => `attributes.a${i}:x`).join(' '));
    parseQuery('thingName:*bulb');
  });
});
