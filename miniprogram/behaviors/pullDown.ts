// Pages the user can pull down to ask again (enablePullDownRefresh in their JSON): the page names
// what asking again means in reload(), the behavior runs it and puts the spinner away after.
import { defineBehavior } from '../utils/component';

export const pullDownBehavior = defineBehavior<{ onPullDownRefresh(): Promise<void> }, { reload(): Promise<void> }>({
  methods: {
    async onPullDownRefresh(): Promise<void> {
      await this.reload();
      wx.stopPullDownRefresh();
    },
  },
});
