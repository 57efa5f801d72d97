// Accept a work invitation (网格长, 党小组长, 楼栋长, 网格员, 值班员, 两委) from the QR code the
// committee issued (options.scene). Asks the name once (phone optional), checks both on the phone,
// then acceptInvitation; on success the profile is refreshed so home's 我的工作 shows the new role.
// A refused invitation is explained in plain words with what to do next: ask to be invited again.
import type { AcceptInvitationInput } from '../../../core/src/schemas';
import { DISPLAY_NAME_MAX_LENGTH } from '../../generated/rules';
import { call, checkInput, type FieldProblem } from '../../services/api';
import { loadProfile } from '../../services/profile';
import { ROLE_LABELS } from '../../utils/labels';
import { defineComponent, type PageQuery } from '../../utils/component';
import type { ApiErrorCode } from '../../utils/errors';
import { toast } from '../../utils/feedback';

/** none: opened without a code; form: ready to accept. */
type Status = 'none' | 'form';

const HOME_URL = '/pages/home/index';
const ASK_AGAIN = '请联系村（社区）两委重新邀请您';

/**
 * Why an invitation cannot be taken, and what to do. The shared messages send residents to the grid
 * leader for a new code; invitations come from the committee, so this page names them instead.
 */
const REFUSALS: Partial<Record<ApiErrorCode, string>> = {
  'INVITATION.USED': `这份邀请已被使用，每份邀请只能用一次。${ASK_AGAIN}`,
  'INVITATION.EXPIRED': `这份邀请已过期。${ASK_AGAIN}`,
  'INVITATION.REVOKED': `这份邀请已被村（社区）撤销。如仍需您参与，${ASK_AGAIN}`,
  'INVITATION.NOT_FOUND': `找不到这份邀请。${ASK_AGAIN}`,
  'TOKEN.INVALID': `邀请二维码无法识别。${ASK_AGAIN}`,
  'TOKEN.EXPIRED': `邀请二维码已过期。${ASK_AGAIN}`,
  'TOKEN.REVOKED': `邀请二维码已作废。${ASK_AGAIN}`,
  'TOKEN.WRONG_PURPOSE': '这是居民加入网格的二维码，不是工作邀请。请扫描村（社区）两委给您的邀请二维码',
};

const NAME_EMPTY = '请填写您的姓名';
const NAME_BAD = `姓名最多 ${DISPLAY_NAME_MAX_LENGTH} 字，写在一行里`;
const PHONE_BAD = '电话号码不对：请填 11 位手机号，或带区号的座机（如 010-12345678）；也可以不填';

function problemAt(problems: FieldProblem[] | undefined, path: string): boolean {
  return (problems ?? []).some((p) => p.path === path);
}

defineComponent({
  data: {
    status: 'form' as Status,
    scene: '',
    name: '',
    phone: '',
    nameMax: DISPLAY_NAME_MAX_LENGTH,
    nameError: '',
    phoneError: '',
    error: '',
    accepting: false,
  },
  methods: {
    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ name: String(e.detail.value ?? ''), nameError: '' });
    },
    onPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ phone: String(e.detail.value ?? ''), phoneError: '' });
    },
    acceptInput(): AcceptInvitationInput {
      const displayName = this.data.name.trim();
      // People write numbers in groups ("138 1234 5678"); the schema takes them without spaces.
      const phone = this.data.phone.replace(/\s+/g, '');
      return phone === '' ? { scene: this.data.scene, displayName } : { scene: this.data.scene, displayName, phone };
    },
    async onAccept(): Promise<void> {
      if (this.data.accepting) return;
      const input = this.acceptInput();
      // Checked here first so a mistake is marked beside its field and nothing leaves the phone.
      const invalid = checkInput('acceptInvitation', input);
      if (invalid !== null) {
        const nameError = input.displayName === '' ? NAME_EMPTY : problemAt(invalid.problems, '/displayName') ? NAME_BAD : '';
        const phoneError = problemAt(invalid.problems, '/phone') ? PHONE_BAD : '';
        const sceneBad = problemAt(invalid.problems, '/scene');
        this.setData({ nameError, phoneError, error: sceneBad ? (REFUSALS['TOKEN.INVALID'] ?? '') : '' });
        return;
      }
      this.setData({ accepting: true, nameError: '', phoneError: '', error: '' });
      const result = await call('acceptInvitation', input);
      if (!result.ok) {
        // What was typed stays, so a retry (or a new invitation's scan) needs no retyping.
        this.setData({ accepting: false, error: REFUSALS[result.code] ?? result.message });
        return;
      }
      // Home reads roles from the session's profile: refresh it before going there.
      await loadProfile({ refresh: true });
      this.setData({ accepting: false });
      const role = ROLE_LABELS[result.data.role];
      toast(role === undefined ? '已接受邀请' : `您已成为${role}`);
      wx.reLaunch({ url: HOME_URL });
    },
  },
  onLoad(query: PageQuery): void {
    // A mini-program code puts the scene URL-encoded in options.scene; a shared link passes it plain.
    const raw = query.scene ?? '';
    this.setData(raw === '' ? { status: 'none' } : { status: 'form', scene: decodeURIComponent(raw) });
  },
});
