// Grid leader request actions (respond, progress, resolve, hand over). UNFINISHED stub.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
