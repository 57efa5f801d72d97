// Grid leader inbox (live watch + polling fallback). UNFINISHED stub: renders only.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
