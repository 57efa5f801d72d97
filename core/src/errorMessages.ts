// Every error code with the plain Chinese message shown for it, alone in a module so that the phone's
// bundled validator can take the words from generated/words.js instead of carrying a second copy.

/** Stable error codes, each with the default message shown to users. */
export const ERROR_MESSAGES = {
  'INPUT.INVALID': '填写的内容有误，请检查后再试',
  /** Something unexpected failed; logged with the request id on the server. */
  INTERNAL: '系统繁忙，请稍后再试',
  /** CloudBase refused the call: a quota (requests per second or per day, concurrency) was reached; nothing was done. */
  'SYSTEM.BUSY': '使用人数较多，请稍后再试；紧急情况请直接拨打网格员电话',
  'AUTH.UNAUTHENTICATED': '请先登录',
  'AUTH.FORBIDDEN': '您没有权限进行此操作',
  'CONTENT.RISKY': '内容可能含有不当信息，请修改后再提交',
  'REQUEST.NOT_FOUND': '找不到这条诉求',
  'REQUEST.ILLEGAL_TRANSITION': '当前状态下不能进行此操作',
  'REQUEST.STALE': '诉求已被他人处理，请刷新后再试',
  'REQUEST.DUPLICATE': '这条诉求已经提交过了',
  'REQUEST.RATING_OUT_OF_RANGE': '评分须为 1 到 5 星',
  /** core/src/limits.ts: each refusal names its number in the message it answers with; these are the defaults. */
  'LIMIT.OPEN_REQUESTS': '您未办结的同类诉求已达上限，请等待处理或直接联系网格长；紧急情况请勾选"紧急"',
  'LIMIT.SUBMISSIONS_PER_HOUR': '您一小时内提交的诉求已达上限，请稍后再提交或直接联系网格长；紧急情况请勾选"紧急"',
  'LIMIT.NOTICES_PER_HOUR': '一小时内发布的通知已达上限，请稍后再发，或把内容合并到一条通知里',
  'ESCALATION.NOT_DUE': '还未到升级时间',
  'ESCALATION.STALE': '诉求已被其他进程升级或已响应',
  'TOKEN.INVALID': '二维码无效，请向网格长索取新的二维码',
  'TOKEN.EXPIRED': '二维码已过期，请向网格长索取新的二维码',
  'TOKEN.REVOKED': '二维码已作废，请向网格长索取新的二维码',
  'TOKEN.WRONG_PURPOSE': '这个二维码不能用于此操作',
  'INVITATION.NOT_FOUND': '找不到这份邀请',
  'INVITATION.USED': '这份邀请已被使用',
  'INVITATION.EXPIRED': '邀请已过期，请联系村（社区）重新邀请',
  'INVITATION.REVOKED': '邀请已撤销',
  'STAFF.LAST_COMMITTEE': '这是本村（社区）最后一位两委成员，不能移除；请先邀请新的两委成员',
  'MICROGRID.NOT_FOUND': '找不到这个小网格',
  'MICROGRID.ENDED': '这个小网格已结束',
  'ROUTING.REASON_REQUIRED': '修改分派规则须填写原因',
  'ROUTING.STALE': '分派规则已被他人修改，请刷新后再试',
  'GRID.NOT_FOUND': '找不到这个网格',
  /** verifyMember: the member's household claim is not waiting to be checked (confirmed, rejected or never made). */
  'MEMBER.NOT_PENDING': '这位住户不在待核实名单中，请刷新后再试',
  /** getMyInformation's corrections and leaveGrid: the caller has not joined a grid. */
  'MEMBER.NOT_JOINED': '您还没有加入网格，没有登记的住户信息',
  /** updateMyInformation: the caller joined without naming a household. */
  'MEMBER.NO_HOUSEHOLD': '您加入网格时没有登记住址；如需登记，请重新扫网格二维码并填写住址',
  /** updateMyInformation: the caller's claim on the household is still pending (待核实). */
  'MEMBER.NOT_VERIFIED': '您的住户身份还在核实中，核实后才能修改这一户的信息；如需更改住址，请重新扫网格二维码加入',
  /** joinGrid: new households a day through one join code, and by one person (core/src/joinLimits.ts). */
  'LIMIT.HOUSEHOLDS_PER_CODE': '今天通过这个二维码新登记的住户已达上限，请联系网格员登记，或明天再试',
  'LIMIT.HOUSEHOLDS_PER_USER': '您今天新登记的住户已达上限，如需为家人登记请联系网格员',
  /** joinGrid: the resident has not agreed to the current privacy notice (core/src/privacyNotice.ts). */
  'PRIVACY.CONSENT_REQUIRED': '请先阅读并同意《个人信息保护说明》，再加入网格',
  /** The group cloudID could not be opened (unknown or older than its 5-minute life). */
  'GROUP.INVALID': '群信息已失效，请从微信群里重新打开小程序',
  'GROUP.ALREADY_BOUND': '这个微信群已绑定其他网格',
  'VILLAGE.NOT_FOUND': '找不到这个村（社区）',
  'NOTICE.NOT_FOUND': '找不到这条通知',
  'FOLLOW_UP.NOT_FOUND': '找不到这条回访',
  /** recordFollowUp: the call was recorded already, with another outcome or note. */
  'FOLLOW_UP.ALREADY_RECORDED': '这条回访已经记录过了',
  'HOUSEHOLD.NOT_FOUND': '找不到这一户，请刷新后再试',
  /** saveHousehold: the new address is another household's in the grid. */
  'HOUSEHOLD.ADDRESS_TAKEN': '这个地址已有一户登记，请直接编辑那一户',
  /** importHouseholds: the uploaded file is not an .xlsx workbook. */
  'REGISTER.NOT_XLSX': '文件不是 Excel（.xlsx）表格，请用模板填写后另存为 .xlsx 再导入',
  'REGISTER.EMPTY': '表格里没有住户，请在模板第二行起每户填一行',
  'REGISTER.COLUMNS_MISSING': '表格缺少必填的列，请用模板填写',
  'REGISTER.TOO_MANY_ROWS': '表格行数太多，请分成几个表格导入',
  'REGISTER.FILE_NOT_FOUND': '找不到上传的文件，请重新选择文件导入',
  'POLICY.INVALID': '响应时限或服务时间设置有误',
  /** setVillagePolicy: the duty rota names someone who is not a duty officer of the village. */
  'POLICY.ROTA_NOT_DUTY_OFFICER': '值班表只能安排本村（社区）的值班员',
} as const;
