// 服务时间与时限 (the village policy): service hours per weekday (a day left empty is a rest day), the
// village's own holidays and days with their own hours (China's public holidays and make-up workdays
// come from the calendar data by themselves), the response target, the urgent target and whether it
// runs around the clock, urgent requests to all 三长, a resolution target per category and emergency
// mode. Loaded with getVillagePolicy (what is in force), saved with setVillagePolicy; an error is
// shown at the field it is about (the phone's schema check, or the server's POLICY.INVALID field).
import type { RequestCategory, ServiceInterval } from '../../../../core/src/model';
import type { SetVillagePolicyInput } from '../../../../core/src/schemas';
import { loadBehavior } from '../../../behaviors/load';
import { TIME_UNITS_MS } from '../../../generated/words';
import { call, checkInput, type FieldProblem } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { CATEGORY_LABELS, CATEGORY_ORDER } from '../../../utils/labels';
import { committeeVillageFor, loadForVillage, VILLAGE_PAGE_DATA } from '../../utils/village';

type Resolved = OutputOf<'getVillagePolicy'>['resolved'];

const { MINUTE_MS, HOUR_MS } = TIME_UNITS_MS;
/** Weekdays as China's week reads them, Monday first (0 is Sunday, as the calendar stores it). */
const WEEK: ReadonlyArray<{ weekday: number; label: string }> = [
  { weekday: 1, label: '周一' },
  { weekday: 2, label: '周二' },
  { weekday: 3, label: '周三' },
  { weekday: 4, label: '周四' },
  { weekday: 5, label: '周五' },
  { weekday: 6, label: '周六' },
  { weekday: 0, label: '周日' },
];
/** Between intervals or dates: a comma, a 、, a semicolon or a space. */
const LIST_SEPARATORS = /[,，、;；\s]+/;
const INTERVAL_PATTERN = /^(\d{1,2}:\d{2})[-~～至](\d{1,2}:\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INTERVAL_HINT = '请按“08:30-12:00, 14:00-17:30”填写';

/** The plain text fields, and the setVillagePolicy field each one's errors are keyed by. */
const ERROR_KEY_OF_TEXT = {
  holidaysText: 'calendar.holidays',
  specialText: 'calendar.specialHours',
  responseMinutes: 'responseTargetMinutes',
  urgentMinutes: 'urgentResponseTargetMinutes',
} as const;
type TextField = keyof typeof ERROR_KEY_OF_TEXT;

/** Errors shown under these fields, keyed as the form names them. */
type FieldErrors = Record<string, string>;

interface DayRow {
  weekday: number;
  label: string;
  hours: string;
}

interface ResolutionRow {
  category: RequestCategory;
  label: string;
  hours: string;
}

function intervalsText(intervals: readonly ServiceInterval[] | undefined): string {
  return (intervals ?? []).map((i) => `${i.start}-${i.end}`).join(', ');
}

function padTime(time: string): string {
  return time.length === '8:30'.length ? `0${time}` : time;
}

/** "08:30-12:00, 14:00-17:30" → intervals; '' → [] (a rest day); null when it cannot be read. */
function parseIntervals(text: string): ServiceInterval[] | null {
  const parts = text.split(LIST_SEPARATORS).filter((p) => p !== '');
  const intervals: ServiceInterval[] = [];
  for (const part of parts) {
    const match = INTERVAL_PATTERN.exec(part);
    if (!match?.[1] || !match[2]) return null;
    intervals.push({ start: padTime(match[1]), end: padTime(match[2]) });
  }
  return intervals;
}

/** Lines of "2026-12-26 09:00-12:00": a date and its own hours (none: closed that day). */
function parseSpecialDays(text: string): { date: string; intervals: ServiceInterval[] }[] | null {
  const days: { date: string; intervals: ServiceInterval[] }[] = [];
  for (const line of text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    const [date = '', ...rest] = line.split(LIST_SEPARATORS);
    const intervals = parseIntervals(rest.join(' '));
    if (!DATE_PATTERN.test(date) || intervals === null) return null;
    days.push({ date, intervals });
  }
  return days;
}

function specialText(resolved: Resolved): string {
  return Object.entries(resolved.calendar.specialHours ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, intervals]) => `${date} ${intervalsText(intervals)}`.trim())
    .join('\n');
}

function wholeNumber(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : null;
}

/** A schema problem's JSON pointer → the form field it belongs to. */
function fieldOfPointer(pointer: string, days: readonly DayRow[]): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  if (parts[0] === 'calendar' && parts[1] === 'weeklyHours' && parts[2] !== undefined) return `weekday-${days[Number(parts[2])]?.weekday ?? ''}`;
  if (parts[0] === 'calendar') return `calendar.${parts[1] ?? 'weeklyHours'}`;
  if (parts[0] === 'resolutionTargetsMs' && parts[1] !== undefined) return `resolution-${parts[1]}`;
  return parts[0] ?? 'form';
}

function errorsOfProblems(problems: readonly FieldProblem[], days: readonly DayRow[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const field = fieldOfPointer(p.path, days);
    errors[field] ??= p.message;
  }
  return errors;
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    ...VILLAGE_PAGE_DATA,
    saving: false,
    days: [] as DayRow[],
    holidaysText: '',
    specialText: '',
    responseMinutes: '',
    urgentMinutes: '',
    urgentAroundTheClock: true,
    urgentToAllLeaders: true,
    emergencyMode: false,
    resolutions: [] as ResolutionRow[],
    /** The hours each category had when loaded: only changed ones are sent. */
    loadedResolutionHours: {} as Record<string, string>,
    errors: {} as FieldErrors,
  },
  methods: {
    async reload(): Promise<void> {
      const view = await loadForVillage(this, (villageId) => call('getVillagePolicy', { villageId }));
      if (view === null) return;
      const { resolved } = view;
      const resolutions = CATEGORY_ORDER.map((category) => ({
        category,
        label: CATEGORY_LABELS[category],
        hours: String(resolved.resolutionTargetsMs[category] / HOUR_MS),
      }));
      this.setData({
        loaded: true,
        errors: {},
        days: WEEK.map(({ weekday, label }) => ({ weekday, label, hours: intervalsText(resolved.calendar.weeklyHours[weekday as 0]) })),
        holidaysText: resolved.calendar.holidays.join(', '),
        specialText: specialText(resolved),
        responseMinutes: String(resolved.responseTargetMs / MINUTE_MS),
        urgentMinutes: String(resolved.urgentResponseTargetMs / MINUTE_MS),
        urgentAroundTheClock: resolved.urgentAroundTheClock,
        urgentToAllLeaders: resolved.urgentToAllLeaders,
        emergencyMode: resolved.calendar.emergencyMode,
        resolutions,
        loadedResolutionHours: Object.fromEntries(resolutions.map((r) => [r.category, r.hours])),
      });
    },
    /** Every text field: `data-field` names the data key (or `weekday-N` / `resolution-<category>`). */
    onText(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field?: string }>): void {
      const field = String(e.currentTarget.dataset.field ?? '');
      const value = String(e.detail.value ?? '');
      const errors = { ...this.data.errors };
      delete errors[field];
      if (field.startsWith('weekday-')) {
        const weekday = Number(field.slice('weekday-'.length));
        delete errors['calendar.weeklyHours'];
        this.setData({ errors, days: this.data.days.map((d) => (d.weekday === weekday ? { ...d, hours: value } : d)) });
      } else if (field.startsWith('resolution-')) {
        const category = field.slice('resolution-'.length);
        this.setData({ errors, resolutions: this.data.resolutions.map((r) => (r.category === category ? { ...r, hours: value } : r)) });
      } else if (field in ERROR_KEY_OF_TEXT) {
        delete errors[ERROR_KEY_OF_TEXT[field as TextField]];
        this.setData({ errors, [field]: value });
      }
    },
    onToggle(e: WechatMiniprogram.CustomEvent<{ checked: boolean }, Record<string, never>, { field?: string }>): void {
      const field = String(e.currentTarget.dataset.field ?? '');
      if (field === 'urgentAroundTheClock' || field === 'urgentToAllLeaders' || field === 'emergencyMode') this.setData({ [field]: e.detail.checked === true });
    },
    /** The form as setVillagePolicy takes it, or the errors of the fields that cannot be read. */
    policyInput(): { input: SetVillagePolicyInput } | { errors: FieldErrors } {
      const errors: FieldErrors = {};
      const weeklyHours: { weekday: number; intervals: ServiceInterval[] }[] = [];
      for (const day of this.data.days) {
        const intervals = parseIntervals(day.hours);
        if (intervals === null) errors[`weekday-${day.weekday}`] = INTERVAL_HINT;
        else weeklyHours.push({ weekday: day.weekday, intervals });
      }
      const holidays = [...new Set(this.data.holidaysText.split(LIST_SEPARATORS).filter((d) => d !== ''))];
      if (holidays.some((d) => !DATE_PATTERN.test(d))) errors['calendar.holidays'] = '日期请按“2026-12-24”填写，多个日期用逗号隔开';
      const specialHours = parseSpecialDays(this.data.specialText);
      if (specialHours === null) errors['calendar.specialHours'] = '每行一天，如“2026-12-26 09:00-12:00”';
      const responseTargetMinutes = wholeNumber(this.data.responseMinutes);
      if (responseTargetMinutes === null) errors.responseTargetMinutes = '请填写分钟数';
      const urgentResponseTargetMinutes = wholeNumber(this.data.urgentMinutes);
      if (urgentResponseTargetMinutes === null) errors.urgentResponseTargetMinutes = '请填写分钟数';
      const resolutionTargetsMs: Partial<Record<RequestCategory, number>> = {};
      for (const row of this.data.resolutions) {
        if (row.hours === this.data.loadedResolutionHours[row.category]) continue;
        const hours = wholeNumber(row.hours);
        if (hours === null) errors[`resolution-${row.category}`] = '请填写小时数';
        else resolutionTargetsMs[row.category] = Math.round(hours * HOUR_MS);
      }
      if (Object.keys(errors).length > 0 || specialHours === null || responseTargetMinutes === null || urgentResponseTargetMinutes === null) return { errors };
      return {
        input: {
          villageId: this.data.villageId,
          responseTargetMinutes,
          urgentResponseTargetMinutes,
          urgentAroundTheClock: this.data.urgentAroundTheClock,
          urgentToAllLeaders: this.data.urgentToAllLeaders,
          calendar: { weeklyHours, holidays, specialHours, emergencyMode: this.data.emergencyMode },
          ...(Object.keys(resolutionTargetsMs).length > 0 ? { resolutionTargetsMs } : {}),
        },
      };
    },
    async onSave(): Promise<void> {
      if (this.data.saving || !this.data.loaded) return;
      const form = this.policyInput();
      if ('errors' in form) return this.setData({ errors: form.errors, error: '有几项填写有误，请看标红的说明' });
      const invalid = checkInput('setVillagePolicy', form.input);
      if (invalid !== null) return this.setData({ errors: errorsOfProblems(invalid.problems ?? [], this.data.days), error: '有几项填写有误，请看标红的说明' });
      this.setData({ saving: true, error: '', errors: {} });
      const saved = await call('setVillagePolicy', form.input);
      this.setData({ saving: false });
      if (!saved.ok) {
        const errors = saved.field !== undefined ? { [saved.field]: saved.message } : {};
        return this.setData({ error: saved.message, errors });
      }
      toast('已保存');
      await this.reload();
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
});
