/**
 * authentication.k8s.io/v1 TokenRequest (serviceaccounts/NAME/token), TokenReview and
 * SelfSubjectReview.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const authenticationV1: MessageTable = {
  TokenRequest: {
    1: 'metadata ObjectMeta',
    2: 'spec TokenRequestSpec',
    3: 'status TokenRequestStatus',
  },
  SelfSubjectReview: {
    1: 'metadata ObjectMeta',
    2: 'status SelfSubjectReviewStatus',
  },
  TokenReview: {
    1: 'metadata ObjectMeta',
    2: 'spec TokenReviewSpec',
    3: 'status TokenReviewStatus',
  },
  TokenRequestSpec: {
    1: 'audiences []string',
    3: 'boundObjectRef BoundObjectReference',
    4: 'expirationSeconds int64!',
  },
  TokenRequestStatus: {
    1: 'token string!',
    2: 'expirationTimestamp Time',
  },
  SelfSubjectReviewStatus: {
    1: 'userInfo UserInfo',
  },
  TokenReviewSpec: {
    1: 'token string',
    2: 'audiences []string',
  },
  TokenReviewStatus: {
    1: 'authenticated bool',
    2: 'user UserInfo',
    3: 'error string',
    4: 'audiences []string',
  },
  BoundObjectReference: {
    1: 'kind string',
    2: 'apiVersion string',
    3: 'name string',
    4: 'uid string',
  },
  UserInfo: {
    1: 'username string',
    2: 'uid string',
    3: 'groups []string',
    4: 'extra map<string,StringList>',
  },
};
