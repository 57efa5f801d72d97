// The pure domain core of 连心网格: types, policy, calendar and SLA, escalation, the request
// lifecycle, routing, join tokens, notices (publishing, delivery and reach), reports and the input contracts. No I/O, no clock.

export * from './model';
export * from './errors';
export * from './policy';
export * from './chinaTime';
export * from './calendar';
export * from './sla';
export * from './staff';
export * from './access';
export * from './escalation';
export * from './lifecycle';
export * from './routing';
export * from './joinToken';
export * from './membership';
export * from './invitations';
export * from './reach';
export * from './notices';
export * from './delivery';
export * from './effects';
export * from './reports';
export * from './text';
export * from './validate';
export * from './fromInput';
export * from './schemas';
