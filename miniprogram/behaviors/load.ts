// Pages that show what a call answered: `const data = await this.load(() => call('x', input))` sets
// `loading` while the call runs and clears an earlier `error`; when the call fails it sets `error` to
// the failure's plain message (the page shows it) and gives null, so the page goes on only with data.
import type { ApiResult } from '../services/api';
import { defineBehavior } from '../utils/component';

interface LoadState {
  loading: boolean;
  error: string;
}

export const loadBehavior = defineBehavior<{ load<T>(fetch: () => Promise<ApiResult<T>>): Promise<T | null> }, { setData(patch: Partial<LoadState>): void }>({
  methods: {
    async load<T>(fetch: () => Promise<ApiResult<T>>): Promise<T | null> {
      this.setData({ loading: true, error: '' });
      const result = await fetch();
      this.setData(result.ok ? { loading: false } : { loading: false, error: result.message });
      return result.ok ? result.data : null;
    },
  },
});
