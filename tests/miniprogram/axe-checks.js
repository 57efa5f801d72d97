// Runs inside the browser page, after axe-core: lxRunChecks(input) runs axe's WCAG 2.2 A/AA rules with
// our contrast ratio, plus our own rules, and answers one finding per element. Plain JavaScript, loaded
// as it is, so no transpiler helper reaches the page. Input (browser.ts): { thresholds: { contrast,
// minTextPx, minTargetPx }, tags, controlAttribute }.
/* global axe */
// biome-ignore lint/correctness/noUnusedVariables: browser.ts calls it inside the page
async function lxRunChecks({ thresholds, tags, controlAttribute }) {
  const ratio = { expected: thresholds.contrast };
  const ourRules = ['lx-control-name'];
  const rules = [
    {
      id: 'lx-control-name',
      selector: `[${controlAttribute}]`,
      any: ['lx-has-name'],
      metadata: { help: 'Every control of ours has an accessible name (its own, a labelled wrapper’s, or the text it draws)' },
    },
  ];
  const checks = [
    { id: 'color-contrast', options: { contrastRatio: { normal: ratio, large: ratio } } },
    {
      id: 'lx-has-name',
      evaluate(node, _options, virtualNode) {
        if (axe.commons.text.accessibleTextVirtual(virtualNode).trim() !== '') return true;
        if (axe.commons.text.visibleVirtual(virtualNode, true).trim() !== '') return true;
        // The labelled-wrapper pattern: a role and a name on the element around a component.
        const wrapper = node.parentElement?.closest('[role][aria-label]');
        return wrapper !== null && (wrapper.getAttribute('aria-label') || '').trim() !== '';
      },
      metadata: { messages: { fail: 'no aria-label on it or a labelled wrapper, and no visible text' } },
    },
  ];
  if (thresholds.minTextPx !== null) {
    ourRules.push('lx-elder-text-size');
    rules.push({
      id: 'lx-elder-text-size',
      selector: '*',
      matches(node) {
        const ownText = [...node.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && (child.textContent || '').trim() !== '');
        return ownText && axe.commons.dom.isVisibleOnScreen(node);
      },
      any: ['lx-text-size'],
      metadata: { help: `Text in elder mode is at least ${thresholds.minTextPx} px` },
    });
    checks.push({
      id: 'lx-text-size',
      options: { minPx: thresholds.minTextPx },
      evaluate(node, options) {
        const px = Number.parseFloat(getComputedStyle(node).fontSize);
        this.data({ px });
        return px >= options.minPx;
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: axe fills in its own ${data.…} placeholders
      metadata: { messages: { fail: 'text is ${data.px} px' } },
    });
  }
  if (thresholds.minTargetPx !== null) {
    ourRules.push('lx-elder-target-size');
    rules.push({
      id: 'lx-elder-target-size',
      selector: `[${controlAttribute}]`,
      any: ['lx-target-size'],
      metadata: { help: `Touch targets in elder mode are at least ${thresholds.minTargetPx} × ${thresholds.minTargetPx} px` },
    });
    checks.push({
      id: 'lx-target-size',
      options: { minPx: thresholds.minTargetPx },
      evaluate(node, options) {
        const box = node.getBoundingClientRect();
        this.data({ width: Math.round(box.width), height: Math.round(box.height) });
        return box.width >= options.minPx && box.height >= options.minPx;
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: axe fills in its own ${data.…} placeholders
      metadata: { messages: { fail: 'target is ${data.width} × ${data.height} px' } },
    });
  }
  axe.configure({ checks, rules });
  const wcagRules = axe.getRules(tags).map((rule) => rule.ruleId);
  const result = await axe.run(document, { runOnly: { type: 'rule', values: [...wcagRules, ...ourRules] }, elementRef: true, resultTypes: ['violations'] });
  return result.violations.flatMap((violation) =>
    violation.nodes.map((node) => ({
      rule: violation.id,
      element: node.element?.getAttribute(controlAttribute) || node.target.join(' '),
      message: `${violation.help}: ${(node.failureSummary || '')
        .replace(/^Fix (any|all) of the following:\s*/, '')
        .replace(/\s+/g, ' ')
        .trim()} — ${node.html.slice(0, 160)}`,
    })),
  );
}
