// Committee: response times, escalations, satisfaction. UNFINISHED stub.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
