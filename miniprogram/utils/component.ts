// The one typed factory every page and component goes through (vant-weapp's habit, a plain
// function): a typed `this` for data, setData and methods, page lifecycles written beside methods,
// and shared defaults — the elder-friendly class on the root view and shared app styles.
import { ELDER_CLASS, isElderMode } from './elder';

/** Data every page and component has. */
export interface BaseData {
  /** The class for the root view: `<view class="lx-page {{rootClass}}">`. */
  rootClass: string;
  elder: boolean;
}

export type PageQuery = Record<string, string | undefined>;

type AnyMethod = (...args: never[]) => unknown;

/** `this` inside methods and lifecycles. */
type ComponentThis<D extends object, M extends object> = M & {
  readonly data: Readonly<D & BaseData>;
  setData(patch: Partial<D & BaseData>, callback?: () => void): void;
  triggerEvent(name: string, detail?: unknown): void;
};

interface Hooks {
  /** Page lifecycles (the component is used as a page). They may return a promise tests can await. */
  onLoad?(query: PageQuery): void | Promise<void>;
  onShow?(): void | Promise<void>;
  onHide?(): void;
  onUnload?(): void;
  onPullDownRefresh?(): void | Promise<void>;
  /** Defining it gives the page WeChat's 转发 menu (and open-type="share" buttons): the card's title and path. */
  onShareAppMessage?(options: WechatMiniprogram.Page.IShareAppMessageOption): WechatMiniprogram.Page.ICustomShareContent;
  /** Component lifetimes. */
  attached?(): void;
  detached?(): void;
}

/** A Behavior() shared by pages, carrying the methods it gives them (B) for the factory's types. */
export interface SharedBehavior<B> {
  readonly id: string;
  /** Never set: only says which methods the behavior adds. */
  readonly gives?: B;
}

/**
 * A behavior several pages share (vant-weapp's mixins): methods B, which may call the page's own
 * methods N, and a lifetime for when the page goes away.
 */
export function defineBehavior<B extends Record<string, AnyMethod>, N extends object = object>(
  definition: { methods: B; detached?(): void } & ThisType<B & N>,
): SharedBehavior<B> {
  const detached = definition.detached;
  const id = Behavior({
    methods: definition.methods as WechatMiniprogram.Component.MethodOption,
    lifetimes: detached === undefined ? {} : { detached },
  });
  return { id };
}

type AnyBehaviors = readonly SharedBehavior<object>[];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** The methods every behavior in the list gives, together. */
type GivenBy<Bs extends AnyBehaviors> = UnionToIntersection<NonNullable<Bs[number]['gives']>>;

/** ThisType on the whole object (Vue 2's pattern) types `this` in methods and hooks alike. */
export type Definition<D extends object, M extends Record<string, AnyMethod>, Bs extends AnyBehaviors = []> = {
  data: D;
  /** For reusable components only; pages read their query in onLoad. */
  properties?: WechatMiniprogram.Component.PropertyOption;
  /** Shared behaviors (behaviors/), whose methods `this` then has. */
  behaviors?: Bs;
  methods: M;
} & Hooks &
  ThisType<ComponentThis<D, M & GivenBy<Bs>>>;

export function elderData(): BaseData {
  const elder = isElderMode();
  return { elder, rootClass: elder ? ELDER_CLASS : '' };
}

const PAGE_HOOKS = ['onLoad', 'onShow', 'onHide', 'onUnload', 'onPullDownRefresh', 'onShareAppMessage'] as const;

export function defineComponent<D extends object, M extends Record<string, AnyMethod>, Bs extends AnyBehaviors = []>(definition: Definition<D, M, Bs>): void {
  const methods: Record<string, unknown> = { ...definition.methods };
  for (const hook of PAGE_HOOKS) {
    const fn = definition[hook];
    if (fn !== undefined) methods[hook] = fn;
  }
  const userShow = definition.onShow;
  // The mode may have been switched on another page: re-read it whenever a page shows.
  methods.onShow = function onShow(this: ComponentThis<D, M & GivenBy<Bs>>) {
    this.setData(elderData() as Partial<D & BaseData>);
    return userShow?.call(this);
  };
  const attached = definition.attached;
  Component({
    options: { addGlobalClass: true, multipleSlots: true },
    behaviors: (definition.behaviors ?? []).map((b) => b.id),
    properties: definition.properties ?? {},
    data: { ...definition.data, ...elderData() },
    methods: methods as WechatMiniprogram.Component.MethodOption,
    lifetimes: {
      attached(this: ComponentThis<D, M & GivenBy<Bs>>) {
        this.setData(elderData() as Partial<D & BaseData>);
        attached?.call(this);
      },
      detached(this: ComponentThis<D, M & GivenBy<Bs>>) {
        definition.detached?.call(this);
      },
    },
  });
}
