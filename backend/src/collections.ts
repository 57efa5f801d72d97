// Collection names, in one place: the same names appear in database/indexes.json and the security rules.
export const COLLECTIONS = {
  streets: 'streets',
  villages: 'villages',
  grids: 'grids',
  microGrids: 'microGrids',
  households: 'households',
  memberships: 'memberships',
  membershipHistory: 'membershipHistory',
  roleAssignments: 'roleAssignments',
  invitations: 'invitations',
  settings: 'settings',
  routingRules: 'routingRules',
  routingAudit: 'routingAudit',
  villagePolicies: 'villagePolicies',
  requests: 'requests',
  inbox: 'inbox',
  subscriptions: 'subscriptions',
  subscriptionGrants: 'subscriptionGrants',
  notices: 'notices',
  noticeReceipts: 'noticeReceipts',
  reachMarks: 'reachMarks',
  noticeDeliveries: 'noticeDeliveries',
  deliveryJobs: 'deliveryJobs',
} as const;

type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
