// updateMyInformation: a verified member corrects their household's phone, care needs and noSmartphone.
import { defineFunction } from '../../backend/src/handler';
import { updateMyInformation } from '../../backend/src/profile/myInformation';

export const main = defineFunction('updateMyInformation', updateMyInformation);
