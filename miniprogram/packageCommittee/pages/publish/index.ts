// Committee: publish a notice. UNFINISHED stub.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
