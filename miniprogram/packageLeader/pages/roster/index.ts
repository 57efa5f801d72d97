// Grid roster (households, care needs). UNFINISHED stub.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
