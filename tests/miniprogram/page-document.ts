// A rendered page as a web page a browser can lay out: the tree miniprogram-simulate drew (the real
// TDesign components, templates from wcc), the CSS wcsc's runtime writes for a phone's screen
// (scripts/lib/page-styles.ts), and what the WebView adds that jsdom does not keep: the aria-*
// attributes the templates bound (as the WebView writes them: aria-role becomes role), the implicit
// role of native components, and what a native input or textarea shows. Each control of ours (an
// element our template binds to a user event) is marked data-lx-control with how the page names it.
import { attribute, describeControl, exparserNodeOf, findDrawn, isControl, ROOT_TAG, type ExparserNode, type Mounted } from './harness';

/** Marks the element a control of ours draws first; the checks in the browser look for it. */
export const CONTROL_ATTRIBUTE = 'data-lx-control';
/** Marks text a native field shows as its placeholder (drawn by the phone, not by the page). */
const PLACEHOLDER_ATTRIBUTE = 'data-lx-placeholder';

/** Roles the WebView gives native components by itself. */
const NATIVE_ROLES: Record<string, string> = { button: 'button', input: 'textbox', textarea: 'textbox', navigator: 'link', image: 'img' };
/** Native components that draw their value themselves, in a way the page's DOM does not hold. */
const NATIVE_FIELDS = new Set(['input', 'textarea']);

/**
 * What the base library's own stylesheet gives native components (wx-view and the rest are custom
 * elements, inline until told otherwise), close enough for layout; a phone's fonts differ (README).
 */
const BASE_LIBRARY_STYLES = `
html, body { margin: 0; }
body { font-family: "PingFang SC", "WenQuanYi Micro Hei", sans-serif; -webkit-text-size-adjust: none; }
${ROOT_TAG}, wx-view, wx-scroll-view, wx-picker, wx-form, wx-label, wx-swiper, wx-swiper-item, wx-movable-area, wx-cover-view { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-image { display: inline-block; overflow: hidden; width: 320px; height: 240px; background: #e7e7e7; }
wx-button { position: relative; display: block; box-sizing: border-box; margin: 0 auto; padding: 0 14px; font-size: 18px; line-height: 2.55555556; text-align: center; border-radius: 5px; overflow: hidden; color: #000; background-color: #f8f8f8; }
wx-input { display: block; height: 1.4rem; min-height: 1.4rem; overflow: hidden; white-space: nowrap; }
wx-textarea { display: block; width: 300px; height: 150px; overflow: hidden; white-space: pre-wrap; }
[${PLACEHOLDER_ATTRIBUTE}] { color: var(--td-text-color-placeholder, rgba(0, 0, 0, 0.4)); }
[hidden] { display: none !important; }
`;

/** j-component keeps a node's bound aria-* as camelCase properties (ariaLabel); the DOM's name is aria-label. */
function ariaAttributeName(property: string): string | null {
  if (!property.startsWith('aria') || property.length === 'aria'.length) return null;
  if (property === 'ariaRole') return 'role';
  return `aria-${property
    .slice('aria'.length)
    .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
    .replace(/^-/, '')}`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Writes onto each drawn element what the WebView would carry, and marks our controls. */
function annotate(root: ExparserNode): void {
  const walk = (node: ExparserNode, insideComponent: boolean): void => {
    const element = node.$$;
    const vt = node._vt;
    if (element !== undefined && vt?.tagName !== undefined) {
      for (const { name, value } of vt.attrs ?? []) {
        const domName = ariaAttributeName(name);
        if (domName !== null && value !== undefined && value !== null && String(value) !== '') element.setAttribute(domName, String(value));
      }
      const id = attribute(node, 'id');
      if (id !== '' && !element.hasAttribute('id')) element.setAttribute('id', id);
      const nativeRole = NATIVE_ROLES[vt.tagName];
      if (nativeRole !== undefined && !element.hasAttribute('role')) element.setAttribute('role', nativeRole);
      // The WebView marks a disabled native control so; contrast rules do not apply to it.
      if (nativeRole !== undefined && vt.attrs?.some((a) => a.name === 'disabled' && a.value === true)) element.setAttribute('aria-disabled', 'true');
      if (NATIVE_FIELDS.has(vt.tagName)) showFieldContent(node, element);
    }
    if (!insideComponent && isControl(node)) findDrawn(node)?.$$?.setAttribute(CONTROL_ATTRIBUTE, describeControl(node));
    // Our pages' elements are ours; inside a component, only its drawn attributes are copied.
    if (node.shadowRoot !== undefined && node !== root) walk(node.shadowRoot, true);
    for (const child of node.childNodes ?? []) walk(child, insideComponent);
  };
  walk(root.shadowRoot ?? root, false);
}

/** The class prefix j-component gave an element's own classes (`t-input--` in `t-input--t-input__control`). */
function classPrefixOf(element: HTMLElement): string {
  return /^([a-z][\w-]*?--)/.exec(element.classList[0] ?? '')?.[1] ?? '';
}

/**
 * A native input or textarea shows its value, or else its placeholder in its placeholder-class (the
 * component's own, so its colour and type). The phone's native field offers the placeholder to a
 * screen reader as its hint; title is the web's nearest word for that.
 */
function showFieldContent(node: ExparserNode, element: HTMLElement): void {
  const value = attribute(node, 'value');
  const placeholder = attribute(node, 'placeholder');
  if (placeholder !== '') element.setAttribute('title', placeholder);
  element.replaceChildren();
  if (value !== '') element.textContent = value;
  else if (placeholder !== '') {
    const shown = element.ownerDocument.createElement('wx-text');
    shown.setAttribute(PLACEHOLDER_ATTRIBUTE, '');
    const prefix = classPrefixOf(element);
    for (const name of attribute(node, 'placeholderClass').split(/\s+/).filter(Boolean)) shown.classList.add(`${prefix}${name}`);
    shown.textContent = placeholder;
    element.append(shown);
  }
}

/** The mounted page as a complete HTML document with `css` (the page's styles for the phone's screen). */
export function pageDocument(page: Mounted, css: string, title: string): string {
  annotate(exparserNodeOf(page.comp));
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeText(title)}</title>
<style>${BASE_LIBRARY_STYLES}</style>
<style>${css}</style>
</head><body>${page.comp.dom.outerHTML}</body></html>`;
}
