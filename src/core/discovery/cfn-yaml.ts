// CloudFormation's YAML: the short-form tags (!Ref, !Sub, !GetAtt...) read as the long forms
// ({"Ref": ...}, {"Fn::Sub": ...}), so the rest of the code sees one shape. JSON templates parse too.
import { parse, type Tags } from 'yaml';
import { WorkbenchError } from '../errors';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
];

function tagsFor(tag: string, longName: string, scalar: (value: string) => unknown = (value) => value): Tags {
  return [
    { tag, resolve: (value: string) => ({ [longName]: scalar(value) }) },
    { tag, collection: 'seq', resolve: (value) => ({ [longName]: value.toJSON() as unknown }) },
    { tag, collection: 'map', resolve: (value) => ({ [longName]: value.toJSON() as unknown }) },
  ];
}

const CLOUDFORMATION_TAGS: Tags = [
  ...tagsFor('!Ref', 'Ref'),
  ...tagsFor('!Condition', 'Condition'),
  // `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"].
  ...tagsFor('!GetAtt', 'Fn::GetAtt', (value) => {
    const dot = value.indexOf('.');
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }),
  ...FUNCTIONS.flatMap((name) => tagsFor(`!${name}`, `Fn::${name}`)),
];

export function parseYamlTemplate(text: string, path: string): unknown {
  try {
    return parse(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: false, maxAliasCount: 1000 }) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new WorkbenchError(`${path} is not valid YAML: ${detail}. Fix the template and try again.`, { cause: error });
  }
}
