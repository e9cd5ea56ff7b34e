import type { BackendParts } from './backend-parts';
import type { BackendTarget } from './backend-target';
import type { SageMakerSettings } from './sagemaker-settings';

/**
 * The backend an activity works on, chosen by its input: the local backend
 * when the input names none, else one SageMaker backend per distinct
 * settings (clients are reused across activities).
 */
export class Backends {
  private readonly sagemakerBySettings = new Map<string, BackendParts>();

  constructor(
    private readonly local: BackendParts,
    private readonly createSageMaker: (settings: SageMakerSettings) => BackendParts,
  ) {}

  of(target: BackendTarget | undefined): BackendParts {
    if (!target) return this.local;
    const key = JSON.stringify(target.sagemaker);
    let parts = this.sagemakerBySettings.get(key);
    if (!parts) {
      parts = this.createSageMaker(target.sagemaker);
      this.sagemakerBySettings.set(key, parts);
    }
    return parts;
  }
}

/** What an activity needs: the backend for its input. */
export type BackendResolver = Pick<Backends, 'of'>;
