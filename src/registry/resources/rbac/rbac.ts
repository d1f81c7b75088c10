/**
 * The RBAC resources (rbac.authorization.k8s.io/v1: Roles, ClusterRoles, RoleBindings,
 * ClusterRoleBindings) with upstream's rules: names are path segments (so `system:...`
 * names are valid), updates need no resourceVersion, every rule has verbs and is either a
 * resource rule (apiGroups and resources) or a non-resource rule (nonResourceURLs, never
 * in a namespaced Role), a roleRef names a Role or ClusterRole of the RBAC group and never
 * changes, and subjects are Users, Groups or ServiceAccounts. Bindings print their role;
 * -o wide adds the subjects. Authorization and escalation checks live in the API server.
 */
import { findResource } from '../../../api/resources.js';
import { type FieldError, invalid, notSupported, required } from '../../../api/validation/index.js';
import { col, printer } from '../../printers/columns.js';
import { plain } from '../../strategies/generic.js';
import type { KObject, ResourceDef, Strategy } from '../../types.js';

const GROUP = 'rbac.authorization.k8s.io';
type Obj = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === 'string');

function validateRules(obj: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  list(obj['rules']).forEach((raw, i) => {
    const r = (raw ?? {}) as Obj;
    const at = `rules[${i}]`;
    if (strs(r['verbs']).length === 0)
      errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    const urls = strs(r['nonResourceURLs']);
    if (urls.length > 0) {
      if (namespaced)
        errs.push(
          invalid(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'),
        );
      if (strs(r['apiGroups']).length > 0 || strs(r['resources']).length > 0)
        errs.push(
          invalid(
            `${at}.nonResourceURLs`,
            urls,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      return;
    }
    if (list(r['apiGroups']).length === 0)
      errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (strs(r['resources']).length === 0)
      errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

function validateBinding(obj: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = (obj['roleRef'] ?? {}) as Obj;
  if (ref['apiGroup'] !== GROUP) errs.push(notSupported('roleRef.apiGroup', ref['apiGroup'] ?? '', [GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(String(ref['kind'] ?? '')))
    errs.push(notSupported('roleRef.kind', ref['kind'] ?? '', kinds));
  if (!ref['name']) errs.push(required('roleRef.name'));
  list(obj['subjects']).forEach((raw, i) => {
    const s = (raw ?? {}) as Obj;
    const at = `subjects[${i}]`;
    if (!s['name']) errs.push(required(`${at}.name`));
    const apiGroup = String(s['apiGroup'] ?? '');
    switch (s['kind']) {
      case 'ServiceAccount':
        if (apiGroup !== '') errs.push(notSupported(`${at}.apiGroup`, apiGroup, ['']));
        if (!namespaced && !s['namespace']) errs.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (apiGroup !== GROUP) errs.push(notSupported(`${at}.apiGroup`, apiGroup, [GROUP]));
        break;
      default:
        errs.push(notSupported(`${at}.kind`, s['kind'] ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

const roleStrategy = (namespaced: boolean): Strategy => ({
  nameRule: 'path',
  allowUnconditionalUpdate: true,
  validate: (obj) => validateRules(obj, namespaced),
});

const bindingStrategy = (namespaced: boolean): Strategy => ({
  nameRule: 'path',
  allowUnconditionalUpdate: true,
  validate: (obj) => validateBinding(obj, namespaced),
  validateUpdate: (obj, old) =>
    JSON.stringify(obj['roleRef']) === JSON.stringify(old['roleRef'])
      ? []
      : [invalid('roleRef', obj['roleRef'], 'cannot change roleRef')],
});

function subjectsOf(o: KObject, kind: string): string {
  const names = list(o['subjects'])
    .map((s) => s as Obj)
    .filter((s) => s['kind'] === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s['namespace'] ?? ''}/${s['name']}` : String(s['name'])));
  return names.join(', ');
}

const bindingPrinter = printer(
  [
    {
      column: col('Role', 'string', 'RoleRef is the reference to the role'),
      cell: (o) => {
        const ref = (o['roleRef'] ?? {}) as Obj;
        return `${ref['kind'] ?? ''}/${ref['name'] ?? ''}`;
      },
    },
  ],
  [
    { column: col('Users', 'string', 'Users in the roleBinding'), cell: (o) => subjectsOf(o, 'User') },
    { column: col('Groups', 'string', 'Groups in the roleBinding'), cell: (o) => subjectsOf(o, 'Group') },
    {
      column: col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding'),
      cell: (o) => subjectsOf(o, 'ServiceAccount'),
    },
  ],
);

export function rbacDefs(): ResourceDef[] {
  const info = (plural: string) => findResource(GROUP, 'v1', plural)!;
  return [
    plain(info('roles'), roleStrategy(true)),
    plain(info('clusterroles'), roleStrategy(false)),
    plain(info('rolebindings'), { ...bindingStrategy(true), printer: bindingPrinter }),
    plain(info('clusterrolebindings'), { ...bindingStrategy(false), printer: bindingPrinter }),
  ];
}
