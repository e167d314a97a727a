// A saved destination plus a file become an engine UploadRequest, through the uploads module's
// own mapping; secret headers point at the refs the destinations store keeps them under.
import type { Destination } from '../../../../shared/settings';
import { uploadRequestFromDestination } from '../../../engine/index';
import type { UploadRequest } from '../../../engine/index';
import { secretRefFor } from './destinations-store';

export function uploadRequestFor(destination: Destination, sourcePath: string): UploadRequest {
  return uploadRequestFromDestination(destination, sourcePath, (d, header) => secretRefFor(d.id, header.name));
}
