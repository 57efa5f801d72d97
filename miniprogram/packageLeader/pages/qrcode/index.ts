// Grid join QR code (getJoinCode). UNFINISHED stub.
import { defineComponent } from '../../../utils/component';

defineComponent({ data: {}, methods: {} });
