// Photos attached to a request (resident) or a resolution (leader): chosen on the phone, then uploaded
// to cloud storage once each, so a retry after a failed call never uploads the same photo again.
import { REQUEST_PHOTO_MAX_COUNT } from '../generated/rules';
import { uploadFile } from '../services/files';
import { privacyAllows } from '../services/privacy';

const DEFAULT_EXTENSION = '.jpg';

export interface Photo {
  path: string;
  /** Set once uploaded, so a retry does not upload again. */
  fileId: string;
}

/**
 * Lets the user pick as many photos as there is room for; calls back with the new list. wx.chooseMedia
 * is a privacy API: the calling page carries <privacy-popup />, which WeChat's gate shows first to
 * someone who has not agreed yet; on "暂不同意" they are told why no album opened.
 */
export function choosePhotos(current: readonly Photo[], onChosen: (photos: Photo[]) => void): void {
  const room = REQUEST_PHOTO_MAX_COUNT - current.length;
  if (room <= 0) return;
  void privacyAllows('没有打开相册，也没有添加照片').then((allowed) => {
    if (!allowed) return;
    wx.chooseMedia({
      count: room,
      mediaType: ['image'],
      sizeType: ['compressed'],
      success: (res) => {
        const added = res.tempFiles.map((f) => ({ path: f.tempFilePath, fileId: '' }));
        onChosen([...current, ...added].slice(0, REQUEST_PHOTO_MAX_COUNT));
      },
    });
  });
}

export function withoutPhoto(photos: readonly Photo[], index: number): Photo[] {
  return photos.filter((_, i) => i !== index);
}

/**
 * Uploads the photos not uploaded yet, reporting progress after each so the page keeps the fileIDs
 * if a later one fails. `cloudPathFor` names the file from its position and extension.
 */
export async function uploadPending(
  photos: readonly Photo[],
  cloudPathFor: (index: number, extension: string) => string,
  onProgress: (photos: Photo[]) => void,
): Promise<string[]> {
  const done = [...photos];
  for (let i = 0; i < done.length; i += 1) {
    const photo = done[i];
    if (photo === undefined || photo.fileId !== '') continue;
    const extension = /\.\w+$/.exec(photo.path)?.[0] ?? DEFAULT_EXTENSION;
    done[i] = { ...photo, fileId: await uploadFile(cloudPathFor(i, extension), photo.path) };
    onProgress(done);
  }
  return done.map((p) => p.fileId);
}
