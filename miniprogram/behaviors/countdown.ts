// Pages that show how long is left re-render it each second while they are on screen: the page calls
// startTicking() in onShow and stopTicking() in onHide, and defines tick(); leaving the page stops the
// timer too. The timer is the page instance's own, so two open pages never share one.
import { defineBehavior } from '../utils/component';
import { SECOND_MS } from '../utils/time';

const timers = new WeakMap<object, ReturnType<typeof setInterval>>();

export const countdownBehavior = defineBehavior<{ startTicking(): void; stopTicking(): void }, { tick(): void }>({
  methods: {
    startTicking() {
      this.stopTicking();
      timers.set(
        this,
        setInterval(() => this.tick(), SECOND_MS),
      );
    },
    stopTicking() {
      const timer = timers.get(this);
      if (timer !== undefined) clearInterval(timer);
      timers.delete(this);
    },
  },
  detached() {
    this.stopTicking();
  },
});
