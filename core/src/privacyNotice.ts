// The privacy notice a resident agrees to when joining (个人信息保护法: care needs — health, disability,
// living alone — are sensitive personal information, which needs the person's separate consent after
// being told why and how it is handled). One source: joinGrid checks the version here, and the join
// page shows this text through the generated copy (scripts/build-validators.ts → generated/words.js).
// Changing what is collected, who sees it or how long it is kept means a new version: every resident
// is asked again on their next join.
import { fail, ok, type Result } from './errors';
import type { EpochMs } from './model';

/** The notice's version (the date it took effect): a consent to any other version is no consent. */
export const PRIVACY_NOTICE_VERSION = '2026-12-03';

export const PRIVACY_NOTICE = {
  title: '连心网格个人信息保护说明',
  sections: [
    {
      heading: '收集哪些信息',
      body: '您家的住址（楼栋、单元、门牌）、联系电话，以及您自愿填写的家中需要照顾的人（独居老人、患病、残疾、孕妇）和是否有人不用智能手机。其中健康、残疾、独居等情况属于《个人信息保护法》规定的敏感个人信息。',
    },
    {
      heading: '为什么收集',
      body: '把村（社区）的通知送到每一户；您反映诉求时网格员能及时回复、上门；遇到紧急情况时优先照顾需要帮助的住户。不用于其他用途，不向第三方提供。',
    },
    {
      heading: '谁能看到',
      body: '只有本网格的网格长、党小组长、楼栋长、网格员和村（社区）两委成员能看到您的电话和家中需要照顾的情况，每次查看都有记录；其他居民看不到。您反映诉求时拍的照片，只有您和处理诉求的工作人员能看到。',
    },
    {
      heading: '保存多久',
      body: '您是本网格住户期间保存。您退出网格后，您的住户身份随即删除；您家最后一位住户退出时，您家的电话和需要照顾的情况一并删除。您反映过的诉求去掉内容、照片和位置后保留，只用于统计；您读过哪些通知的记录也保留，用来核对通知是否送到了每一户。',
    },
    {
      heading: '查看、更正和删除',
      body: '您可以随时在小程序首页的「我的信息」里查看、更正您家的信息，或退出网格并删除您的信息（撤回同意）；不方便操作的，可以找网格员或村（社区）两委代为办理。撤回后不影响此前的处理，但网格员可能无法优先上门照顾。',
    },
  ],
  /** What the resident ticks: a separate consent, as sensitive personal information requires. */
  consentLabel: '我已阅读并同意《连心网格个人信息保护说明》，同意网格按上述方式处理我家的住址、电话和需要照顾的情况（含敏感个人信息）',
} as const;

/** What a membership records of the consent given at join. */
export interface PrivacyConsent {
  version: string;
  at: EpochMs;
}

/** A join goes ahead only with consent to the notice in force; nothing is read or written before this check. */
export function privacyConsentOf(givenVersion: string | undefined, now: EpochMs): Result<PrivacyConsent> {
  if (givenVersion !== PRIVACY_NOTICE_VERSION) return fail('PRIVACY.CONSENT_REQUIRED');
  return ok({ version: givenVersion, at: now });
}
