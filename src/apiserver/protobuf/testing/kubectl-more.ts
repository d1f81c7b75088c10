/**
 * Request bodies captured from kubectl 1.32: RBAC, quota, priority class, disruption budget,
 * ingress, token request, autoscaler and access reviews. Each comes with the object the same
 * command prints with `--dry-run=client -o json` (null values left out); `create token` and
 * `auth` have no client dry run, so their objects were checked field by field against the
 * command line. Test data only.
 */
import type { CapturedBody } from './captured.js';

export const MORE_BODIES: readonly CapturedBody[] = [
  {
    command:
      'kubectl create role r1 --verb=get --verb=list --resource=pods --resource=deployments.apps --resource-name=x',
    body: [
      'azhzAAokChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgRSb2xlEk8KEgoCcjESABoAIgAqADIAOABCABIWCgNnZXQK',
      'BGxpc3QSABoEcG9kcyIBeBIhCgNnZXQKBGxpc3QSBGFwcHMaC2RlcGxveW1lbnRzIgF4GgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r1' },
      rules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] },
        { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['x'] },
      ],
    },
  },
  {
    command: 'kubectl create rolebinding rb1 --role=r1 --user=u --serviceaccount=default:sa1',
    body: [
      'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxKGAQoTCgNyYjESABoAIgAqADIAOABC',
      'ABImCgRVc2VyEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgF1IgASIAoOU2VydmljZUFjY291bnQSABoDc2ExIgdkZWZh',
      'dWx0GiUKGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8SBFJvbGUaAnIxGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb1' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
        { kind: 'ServiceAccount', name: 'sa1', namespace: 'default' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
    },
  },
  {
    command: 'kubectl create clusterrole cr1 --verb=get --resource=nodes --non-resource-url=/healthz',
    body: [
      'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRI2ChMKA2NyMRIAGgAiACoAMgA4AEIA',
      'Eg4KA2dldBIAGgVub2RlcxIPCgNnZXQqCC9oZWFsdGh6GgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cr1' },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['nodes'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
    },
  },
  {
    command: 'kubectl create clusterrole agg --aggregation-rule=a=b',
    body: [
      'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRIhChMKA2FnZxIAGgAiACoAMgA4AEIA',
      'GgoKCAoGCgFhEgFiGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'agg' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
    },
  },
  {
    command: 'kubectl create clusterrolebinding crb1 --clusterrole=cr1 --group=g',
    body: [
      'azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcSbgoUCgRjcmIxEgAaACIA',
      'KgAyADgAQgASJwoFR3JvdXASGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8aAWciABotChlyYmFjLmF1dGhvcml6YXRpb24u',
      'azhzLmlvEgtDbHVzdGVyUm9sZRoDY3IxGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'crb1' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr1' },
    },
  },
  {
    command: 'kubectl create serviceaccount sa1',
    body: ['azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFQoTCgNzYTESABoAIgAqADIAOABCABoAIgA='].join(''),
    json: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } },
  },
  {
    command: 'kubectl create quota q1 --hard=pods=10,cpu=1,memory=1Gi --scopes=BestEffort',
    body: [
      'azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRJPChIKAnExEgAaACIAKgAyADgAQgASNwoKCgNjcHUSAwoBMQoPCgZtZW1vcnkS',
      'BQoDMUdpCgwKBHBvZHMSBAoCMTASCkJlc3RFZmZvcnQaABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q1' },
      spec: { hard: { cpu: '1', memory: '1Gi', pods: '10' }, scopes: ['BestEffort'] },
      status: {},
    },
  },
  {
    command: 'kubectl create priorityclass pc1 --value=1000 --description=d --preemption-policy=Never',
    body: [
      'azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxIkChMKA3BjMRIAGgAiACoAMgA4AEIAEOgHGAAi',
      'AWQqBU5ldmVyGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'pc1' },
      value: 1000,
      description: 'd',
      preemptionPolicy: 'Never',
    },
  },
  {
    command: 'kubectl create priorityclass pc0 --value=0 --global-default',
    body: [
      'azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxIxChMKA3BjMBIAGgAiACoAMgA4AEIAEAAYASIA',
      'KhRQcmVlbXB0TG93ZXJQcmlvcml0eRoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'pc0' },
      value: 0,
      globalDefault: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
  },
  {
    command: 'kubectl create pdb pdb1 --selector=app=x --min-available=1',
    body: [
      'azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSOAoUCgRwZGIxEgAaACIAKgAyADgAQgASFAoGCAAQARoA',
      'EgoKCAoDYXBwEgF4GgoIABgAIAAoADAAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pdb1' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'x' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  },
  {
    command: 'kubectl create pdb pdb2 --selector=app=x --max-unavailable=50%',
    body: [
      'azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSOwoUCgRwZGIyEgAaACIAKgAyADgAQgASFxIKCggKA2Fw',
      'cBIBeBoJCAEQABoDNTAlGgoIABgAIAAoADAAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pdb2' },
      spec: { selector: { matchLabels: { app: 'x' } }, maxUnavailable: '50%' },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  },
  {
    command:
      'kubectl create ingress i1 --rule=foo.com/bar=svc1:80 --rule=tls.com/*=svc2:http,tls=sec --class=nginx --default-backend=def:81',
    body: [
      'azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxKfAQoSCgJpMRIAGgAiACoAMgA4AEIAEoQBCg0iCwoDZGVm',
      'EgQKABBREg4KB3Rscy5jb20SA3NlYxosCgdmb28uY29tEiEKHwodCgQvYmFyEg4iDAoEc3ZjMRIECgAQUBoFRXhhY3QaLgoH',
      'dGxzLmNvbRIjCiEKHwoBLxISIhAKBHN2YzISCAoEaHR0cBAAGgZQcmVmaXgiBW5naW54GgIKABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i1' },
      spec: {
        defaultBackend: { service: { name: 'def', port: { number: 81 } } },
        tls: [{ hosts: ['tls.com'], secretName: 'sec' }],
        rules: [
          {
            host: 'foo.com',
            http: {
              paths: [
                {
                  path: '/bar',
                  backend: { service: { name: 'svc1', port: { number: 80 } } },
                  pathType: 'Exact',
                },
              ],
            },
          },
          {
            host: 'tls.com',
            http: {
              paths: [
                {
                  path: '/',
                  backend: { service: { name: 'svc2', port: { name: 'http' } } },
                  pathType: 'Prefix',
                },
              ],
            },
          },
        ],
        ingressClassName: 'nginx',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    command:
      'kubectl create token sa1 --audience=a --duration=1h --bound-object-kind=Pod --bound-object-name=p1 --bound-object-uid=u1',
    body: [
      'azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIzChAKABIAGgAiACoAMgA4AEIAEhkKAWEa',
      'EQoDUG9kEgJ2MRoCcDEiAnUxIJAcGgQKABIAGgAiAA==',
    ].join(''),
    json: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: {
        audiences: ['a'],
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'u1' },
        expirationSeconds: 3600,
      },
      status: { token: '' },
    },
  },
  {
    command: 'kubectl autoscale deployment dd --max=3 --min=2 --cpu-percent=50',
    body: [
      'azhzAAopCg5hdXRvc2NhbGluZy92MRIXSG9yaXpvbnRhbFBvZEF1dG9zY2FsZXISPQoSCgJkZBIAGgAiACoAMgA4AEIAEiEK',
      'GQoKRGVwbG95bWVudBICZGQaB2FwcHMvdjEQAhgDIDIaBBgAIAAaACIA',
    ].join(''),
    json: {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'dd' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'dd', apiVersion: 'apps/v1' },
        minReplicas: 2,
        maxReplicas: 3,
        targetCPUUtilizationPercentage: 50,
      },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    },
  },
  {
    command: 'kubectl auth can-i get pods',
    body: [
      'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPAoQCgASABoAIgAqADIA',
      'OABCABIeChwKB2RlZmF1bHQSA2dldBoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    },
  },
  {
    command: 'kubectl auth can-i list deployments.apps -n p1 --subresource=scale',
    body: [
      'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSSAoQCgASABoAIgAqADIA',
      'OABCABIqCigKAnAxEgRsaXN0GgRhcHBzIgAqC2RlcGxveW1lbnRzMgVzY2FsZToAGggIABIAGgAgABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'p1',
          verb: 'list',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
        },
      },
      status: { allowed: false },
    },
  },
  {
    command: 'kubectl auth whoami',
    body: [
      'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgAS',
      'BgoECgASABoAIgA=',
    ].join(''),
    json: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: {} },
    },
  },
  {
    command: 'kubectl auth can-i --list',
    body: [
      'azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4',
      'AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA',
    ].join(''),
    json: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace: 'default' },
      status: { incomplete: false },
    },
  },
];
