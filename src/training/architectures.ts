/** Network names, kept apart from models.ts so the CLI can list them without loading tfjs. */
export type Architecture = 'conv4' | 'resnet-small' | 'alexnet' | 'vgg16' | 'vgg19';
export const ARCHITECTURES: readonly Architecture[] = ['conv4', 'resnet-small', 'alexnet', 'vgg16', 'vgg19'];
