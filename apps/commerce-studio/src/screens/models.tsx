import {
  type ModelVersion,
  problemsByField,
  type TrainingProgressData,
  useActivateModel,
  useCan,
  useModels,
  useTrainingProgress,
  useTrainModel,
} from "@varai/admin-kit";
import { Button, ProgressBar } from "react-aria-components";
import { Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const STATUS_BADGE: Record<ModelVersion["status"], string> = {
  active: "badge run-succeeded",
  rejected: "badge run-failed",
  superseded: "badge",
  skipped: "badge asset-pending",
};

const auc = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(3));

/** What a finished run means, in the merchant's words. */
function outcome(progress: Exclude<TrainingProgressData, { status: "running" }>): string {
  switch (progress.status) {
    case "active":
      return `Last run: version ${progress.version} beat fit + style on the newest events (holdout AUC ${auc(progress.holdoutAuc)}) and was put in force.`;
    case "rejected":
      return `Last run: version ${progress.version} did not beat fit + style on the newest events (holdout AUC ${auc(progress.holdoutAuc)}), so it was not put in force.`;
    case "skipped":
      return `Last run: version ${progress.version} was skipped: ${progress.reason ?? "too few events"}.`;
    case "failed":
      return `Last run failed: ${progress.error}`;
  }
}

/** The run in progress (from the live `training` topic, whoever started it), or the last outcome. */
function TrainingStatus({ progress, starting }: { progress: TrainingProgressData | null; starting: boolean }) {
  if (progress?.status === "running") {
    const loading = progress.phase === "loading";
    return (
      <div className="training-status">
        <ProgressBar
          aria-label="Training progress"
          isIndeterminate={loading}
          minValue={0}
          maxValue={progress.epochs}
          value={progress.epoch}
          valueLabel={
            loading
              ? "loading the events"
              : `epoch ${progress.epoch} of ${progress.epochs}${progress.loss === null ? "" : `, loss ${progress.loss.toFixed(3)}`}`
          }
        >
          {({ valueText, percentage }) => (
            <>
              <span className="progress-label">Training: {valueText}</span>
              <div className="bar">
                <div
                  className={loading ? "fill" : "fill determinate"}
                  style={loading ? undefined : { width: `${percentage ?? 0}%` }}
                />
              </div>
            </>
          )}
        </ProgressBar>
      </div>
    );
  }
  if (progress)
    return (
      <p className="training-status" role="status">
        <span
          className={`badge ${progress.status === "active" ? "run-succeeded" : progress.status === "skipped" ? "asset-pending" : "run-failed"}`}
        >
          {progress.status}
        </span>{" "}
        {outcome(progress)}
      </p>
    );
  return (
    <p className="training-status muted" role="status">
      {starting ? "Training: starting…" : "No training run since this page opened."}
    </p>
  );
}

function VersionRow({ model, canManage }: { model: ModelVersion; canManage: boolean }) {
  const activate = useActivateModel();
  const { form } = problemsByField(activate.error);
  const { metrics } = model;
  return (
    <tr data-version={model.version}>
      <th scope="row">v{model.version}</th>
      <td>
        <span className={STATUS_BADGE[model.status]}>{model.status}</span>
      </td>
      <td>{new Date(model.trainedAt).toLocaleString()}</td>
      <td>{metrics.usableEvents}</td>
      <td>{metrics.reason ?? `${auc(metrics.holdoutAuc)} vs ${auc(metrics.rulesHoldoutAuc)}`}</td>
      {canManage && (
        <td>
          {model.status === "superseded" || model.status === "rejected" ? (
            <Button
              className="button small"
              isDisabled={activate.isPending}
              aria-label={`Activate version ${model.version}`}
              onPress={() => activate.mutate(model.version)}
            >
              {activate.isPending ? "Activating…" : "Activate"}
            </Button>
          ) : null}
          {form && (
            <span className="form-error" role="alert">
              {form}
            </span>
          )}
        </td>
      )}
    </tr>
  );
}

/** The preference model: train it, watch the run live, see its versions, put one in force. */
export function ModelsScreen() {
  const models = useModels();
  const canManage = useCan("recommendations:manage");
  const train = useTrainModel();
  const progress = useTrainingProgress();
  const { form: trainError } = problemsByField(train.error);
  const running = train.isPending || progress?.status === "running";
  // Without the socket (reconnecting), the call's own answer still tells how the run ended.
  const shown: TrainingProgressData | null =
    progress ?? (train.data ? { ...train.data, holdoutAuc: train.data.metrics?.holdoutAuc } : null);
  return (
    <section>
      <PageHeader title="Models">
        {canManage && (
          <Button className="button primary" isDisabled={running} onPress={() => train.mutate()}>
            {running ? "Training…" : "Train now"}
          </Button>
        )}
      </PageHeader>
      <p className="muted">
        The preference model learns from your shoppers' views, try-ons, carts and purchases (the last 90 days). A
        trained version is used only if it ranks the newest events better than fit + style alone; you can put any
        trained version in force yourself. Training also runs once a day.
      </p>
      <div className="card">
        <TrainingStatus progress={shown} starting={train.isPending} />
        {trainError && (
          <p className="form-error" role="alert">
            {trainError}
          </p>
        )}
      </div>
      <h2>Versions</h2>
      {models.isPending ? (
        <Loading what="model versions" />
      ) : models.isError ? (
        <ErrorState error={models.error} retry={() => void models.refetch()} />
      ) : models.data.versions.length === 0 ? (
        <Empty>
          <p>No model yet. Until one is trained, recommendations rank on fit and style.</p>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Model versions ({models.data.versions.length})</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Trained</th>
              <th scope="col">Usable events</th>
              <th scope="col">Holdout AUC (model vs fit + style)</th>
              {canManage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {models.data.versions.map((model) => (
              <VersionRow key={model.version} model={model} canManage={canManage} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
