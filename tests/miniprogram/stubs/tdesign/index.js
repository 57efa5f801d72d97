// Stand-in for every TDesign tag in component tests. TDesign's own templates use WXS modules that
// miniprogram-simulate's pure-JS compiler cannot run; tests drive the host node's public events
// (tap, change) instead, which is what our pages listen to. It shows the text properties so tests
// can assert what a user would read.
Component({
  options: { multipleSlots: true },
  properties: {
    ariaLabel: { type: String, value: '' },
    label: { type: String, value: '' },
    title: { type: String, value: '' },
    content: { type: String, value: '' },
    note: { type: String, value: '' },
    disabled: { type: Boolean, value: false },
    loading: { type: Boolean, value: false },
    value: { type: null, value: null },
    checked: { type: Boolean, value: false },
    theme: { type: String, value: '' },
    size: { type: String, value: '' },
    variant: { type: String, value: '' },
    block: { type: Boolean, value: false },
    placeholder: { type: String, value: '' },
    maxlength: { type: Number, value: -1 },
    indicator: { type: Boolean, value: false },
    count: { type: Number, value: 0 },
    arrow: { type: Boolean, value: false },
    hover: { type: Boolean, value: false },
    description: { type: String, value: '' },
    icon: { type: String, value: '' },
    name: { type: String, value: '' },
  },
});
