import type { BackendParts } from './backend-parts';
import type { BackendChoice, BackendTarget } from './backend-target';
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
    /** A region's SageMaker registry and endpoints without a pipeline's settings. */
    private readonly openSageMakerAccount: (region: string | undefined) => AccountParts,
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

  /** The registry and endpoints of a backend named without a pipeline (`ferry reconcile`). */
  ofAccount(choice: BackendChoice): AccountParts {
    return choice.backend === 'local' ? this.local : this.openSageMakerAccount(choice.region);
  }
}

/** What reading and rolling back needs of a backend. */
export type AccountParts = Pick<BackendParts, 'registry' | 'hosting'>;

/** What an activity needs: the backend for its input. */
export type BackendResolver = Pick<Backends, 'of' | 'ofAccount'>;
