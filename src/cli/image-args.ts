/**
 * The images an inference command (classify, keywords) runs over: IMAGE arguments, or with
 * --all-key-images every PNG `images convert` recorded in the workspace. The same list goes to the
 * in-process run and to the queue, so their outputs stay equal.
 */
import { OptionsError, convertedKeyImagePaths, type Workspace } from '../index.js';

export const ALL_KEY_IMAGES_HELP = 'run over every key image `images convert` rendered into the workspace (in SOP Instance UID order) instead of IMAGE arguments';

/** Checks the choice before the workspace opens; returns how to resolve it once it is open. */
export function imageChoice(images: readonly string[], allKeyImages: boolean | undefined): (ws: Workspace) => string[] {
  if (allKeyImages && images.length) throw new OptionsError('give IMAGE arguments or --all-key-images, not both');
  if (!allKeyImages && images.length === 0) throw new OptionsError('give IMAGE arguments, or --all-key-images for the workspace\'s converted key images');
  return allKeyImages ? (ws) => convertedKeyImagePaths(ws) : () => [...images];
}
