// One source of truth for cloud-function contracts: every function's JSON Schema, keyed by the
// function's name, the input types derived from the same schemas, and the reply each function answers
// (FunctionOutputs: defineFunction holds the backend to it, and the mini-program reads it). The backend compiles these
// with ajv at runtime; scripts/build-validators.ts precompiles them for the mini-program.

import * as dashboard from './dashboard';
import * as followUps from './followUps';
import * as membership from './membership';
import * as notices from './notices';
import * as organisation from './organisation';
import * as privacy from './privacy';
import * as profile from './profile';
import * as register from './register';
import * as reports from './reports';
import * as roster from './roster';
import * as staff from './staff';
import * as requests from './requests';

export * from './common';
export * from './dashboard';
export * from './followUps';
export * from './membership';
export * from './notices';
export * from './organisation';
export * from './privacy';
export * from './profile';
export * from './register';
export * from './reports';
export * from './roster';
export * from './staff';
export * from './requests';

export const INPUT_SCHEMAS = {
  joinGrid: membership.joinGridSchema,
  getJoinCode: membership.getJoinCodeSchema,
  bindGridGroup: membership.bindGridGroupSchema,
  resolveGroupGrid: membership.resolveGroupGridSchema,
  issueInvitation: membership.issueInvitationSchema,
  acceptInvitation: membership.acceptInvitationSchema,
  verifyMember: membership.verifyMemberSchema,
  createVillage: organisation.createVillageSchema,
  createGrid: organisation.createGridSchema,
  listVillageGrids: organisation.listVillageGridsSchema,
  createMicroGrid: organisation.createMicroGridSchema,
  updateRoutingRule: organisation.updateRoutingRuleSchema,
  setVillagePolicy: organisation.setVillagePolicySchema,
  rotateJoinKeys: organisation.rotateJoinKeysSchema,
  submitRequest: requests.submitRequestSchema,
  getRequest: requests.getRequestSchema,
  listMyRequests: requests.listMyRequestsSchema,
  listInbox: requests.listInboxSchema,
  respondRequest: requests.respondRequestSchema,
  updateRequestStatus: requests.updateRequestStatusSchema,
  confirmRequest: requests.confirmRequestSchema,
  reopenRequest: requests.reopenRequestSchema,
  cancelRequest: requests.cancelRequestSchema,
  recordSubscription: requests.recordSubscriptionSchema,
  publishNotice: notices.publishNoticeSchema,
  listNotices: notices.listNoticesSchema,
  markNoticeRead: notices.markNoticeReadSchema,
  markHouseholdReached: notices.markHouseholdReachedSchema,
  getNoticeReach: notices.getNoticeReachSchema,
  getReport: reports.getReportSchema,
  exportReport: reports.exportReportSchema,
  listFollowUps: followUps.listFollowUpsSchema,
  listPersonalDataAccess: privacy.listPersonalDataAccessSchema,
  recordFollowUp: followUps.recordFollowUpSchema,
  getVillageDashboard: dashboard.getVillageDashboardSchema,
  listStaff: staff.listStaffSchema,
  removeRole: staff.removeRoleSchema,
  revokeInvitation: staff.revokeInvitationSchema,
  endMicroGrid: staff.endMicroGridSchema,
  getVillagePolicy: staff.getVillagePolicySchema,
  getGridRoster: roster.getGridRosterSchema,
  getMyProfile: profile.getMyProfileSchema,
  getMyInformation: profile.getMyInformationSchema,
  updateMyInformation: profile.updateMyInformationSchema,
  leaveGrid: profile.leaveGridSchema,
  saveHousehold: register.saveHouseholdSchema,
  getHousehold: register.getHouseholdSchema,
  getHouseholdTemplate: register.getHouseholdTemplateSchema,
  importHouseholds: register.importHouseholdsSchema,
} as const;

export type FunctionName = keyof typeof INPUT_SCHEMAS;
export const FUNCTION_NAMES = Object.keys(INPUT_SCHEMAS) as FunctionName[];

/** The input type of each cloud function, derived from its schema. */
export interface FunctionInputs {
  joinGrid: membership.JoinGridInput;
  getJoinCode: membership.GetJoinCodeInput;
  bindGridGroup: membership.BindGridGroupInput;
  resolveGroupGrid: membership.ResolveGroupGridInput;
  issueInvitation: membership.IssueInvitationInput;
  acceptInvitation: membership.AcceptInvitationInput;
  verifyMember: membership.VerifyMemberInput;
  createVillage: organisation.CreateVillageInput;
  createGrid: organisation.CreateGridInput;
  listVillageGrids: organisation.ListVillageGridsInput;
  createMicroGrid: organisation.CreateMicroGridInput;
  updateRoutingRule: organisation.UpdateRoutingRuleInput;
  setVillagePolicy: organisation.SetVillagePolicyInput;
  rotateJoinKeys: organisation.RotateJoinKeysInput;
  submitRequest: requests.SubmitRequestInput;
  getRequest: requests.GetRequestInput;
  listMyRequests: requests.ListMyRequestsInput;
  listInbox: requests.ListInboxInput;
  respondRequest: requests.RespondRequestInput;
  updateRequestStatus: requests.UpdateRequestStatusInput;
  confirmRequest: requests.ConfirmRequestInput;
  reopenRequest: requests.ReopenRequestInput;
  cancelRequest: requests.CancelRequestInput;
  recordSubscription: requests.RecordSubscriptionInput;
  publishNotice: notices.PublishNoticeInput;
  listNotices: notices.ListNoticesInput;
  markNoticeRead: notices.MarkNoticeReadInput;
  markHouseholdReached: notices.MarkHouseholdReachedInput;
  getNoticeReach: notices.GetNoticeReachInput;
  getReport: reports.GetReportInput;
  exportReport: reports.ExportReportInput;
  listFollowUps: followUps.ListFollowUpsInput;
  listPersonalDataAccess: privacy.ListPersonalDataAccessInput;
  recordFollowUp: followUps.RecordFollowUpInput;
  getVillageDashboard: dashboard.GetVillageDashboardInput;
  listStaff: staff.ListStaffInput;
  removeRole: staff.RemoveRoleInput;
  revokeInvitation: staff.RevokeInvitationInput;
  endMicroGrid: staff.EndMicroGridInput;
  getVillagePolicy: staff.GetVillagePolicyInput;
  getGridRoster: roster.GetGridRosterInput;
  getMyProfile: profile.GetMyProfileInput;
  getMyInformation: profile.GetMyInformationInput;
  updateMyInformation: profile.UpdateMyInformationInput;
  leaveGrid: profile.LeaveGridInput;
  saveHousehold: register.SaveHouseholdInput;
  getHousehold: register.GetHouseholdInput;
  getHouseholdTemplate: register.GetHouseholdTemplateInput;
  importHouseholds: register.ImportHouseholdsInput;
}

/** What each cloud function answers inside `{ ok: true, data }`. */
export interface FunctionOutputs {
  joinGrid: membership.JoinResult;
  getJoinCode: membership.JoinCode;
  bindGridGroup: membership.GridGroupBinding;
  resolveGroupGrid: membership.GroupGrid;
  issueInvitation: membership.IssuedInvitation;
  acceptInvitation: membership.AcceptedInvitation;
  verifyMember: membership.MemberVerification;
  createVillage: organisation.VillageCreated;
  createGrid: organisation.GridCreated;
  listVillageGrids: organisation.VillageGrids;
  createMicroGrid: organisation.MicroGridCreated;
  updateRoutingRule: organisation.RoutingRuleChangeResult;
  setVillagePolicy: organisation.VillagePolicySet;
  rotateJoinKeys: membership.RotationResult;
  submitRequest: requests.SubmitRequestOutput;
  getRequest: requests.GetRequestOutput;
  listMyRequests: requests.Page<requests.RequestSummary>;
  listInbox: requests.InboxPage;
  respondRequest: requests.RequestView;
  updateRequestStatus: requests.RequestView;
  confirmRequest: requests.RequestView;
  reopenRequest: requests.RequestView;
  cancelRequest: requests.RequestView;
  recordSubscription: requests.RecordSubscriptionOutput;
  publishNotice: notices.PublishResult;
  listNotices: notices.NoticePage;
  markNoticeRead: notices.ReadResult;
  markHouseholdReached: notices.ReachedResult;
  getNoticeReach: notices.NoticeReachView;
  getReport: reports.ReportView;
  exportReport: reports.ReportExport;
  listFollowUps: followUps.FollowUpList;
  listPersonalDataAccess: privacy.PersonalDataAccessPage;
  recordFollowUp: followUps.FollowUpView;
  getVillageDashboard: dashboard.VillageDashboard;
  listStaff: staff.StaffList;
  removeRole: staff.RoleRemoved;
  revokeInvitation: staff.InvitationRevoked;
  endMicroGrid: staff.MicroGridEnded;
  getVillagePolicy: staff.VillagePolicyView;
  getGridRoster: roster.GridRoster;
  getMyProfile: profile.MyProfile;
  getMyInformation: profile.MyInformation;
  updateMyInformation: profile.MyInformationUpdate;
  leaveGrid: profile.GridLeft;
  saveHousehold: register.SavedHousehold;
  getHousehold: register.HouseholdEntry;
  getHouseholdTemplate: register.HouseholdTemplate;
  importHouseholds: register.HouseholdImport;
}
