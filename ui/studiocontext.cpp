// SPDX-License-Identifier: GPL-3.0-or-later
#include "studiocontext.h"

#include "core/common/paths.h"
#include "core/demo/demojob.h"
#include "core/store/jobrecorder.h"

#include <QtCore/QFileInfo>
#include <QtCore/QSettings>

namespace qs::ui {

namespace {
constexpr int kMaxRecent = 10;
const char* kRecentKey = "recentFiles";
} // namespace

StudioContext::StudioContext(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<qs::Error>();
    qRegisterMetaType<qs::OpenedModel>();
    qRegisterMetaType<qs::DemoWorkspace>();
    qRegisterMetaType<qs::RunConfig>();
    qRegisterMetaType<qs::RunResult>();
    qRegisterMetaType<qs::RunUpdate>();
    qRegisterMetaType<qs::Variant>();
}

StudioContext::~StudioContext()
{
    m_jobs.cancelAll();
    m_jobs.waitForDone();
}

void StudioContext::run(Job* job, JobRunner::Lane lane)
{
    job->setParent(this);
    connect(job, &Job::finished, job, &QObject::deleteLater);
    Q_EMIT jobStarted(job);
    m_jobs.submit(job, lane);
}

void StudioContext::openModel(const QString& path, const InputSpec& inputs)
{
    auto* job = new OpenModelJob(path, inputs);
    connect(job, &OpenModelJob::opened, this, [this, path](const OpenedModel& opened) {
        // Another model: exclusions named its layers, not this one's.
        if (!hasModel() || opened.info.path != m_model.info.path)
            setExcludedLayers({});
        m_model = opened;
        addRecentFile(QFileInfo(path).absoluteFilePath());
        Q_EMIT modelChanged();
    });
    connect(job, &Job::failed, this, [this, path](const Error& e) {
        Q_EMIT errorOccurred(tr("Cannot open %1").arg(QFileInfo(path).fileName()), e);
    });
    run(job);
}

void StudioContext::setInputs(const InputSpec& inputs)
{
    if (!hasModel())
        return;
    auto* job = new OpenModelJob(m_model.model, inputs);
    connect(job, &OpenModelJob::opened, this, [this](const OpenedModel& opened) {
        m_model = opened;
        Q_EMIT modelChanged();
    });
    connect(job, &Job::failed, this, [this](const Error& e) { Q_EMIT errorOccurred(tr("Cannot check the inputs"), e); });
    run(job);
}

void StudioContext::openDemo()
{
    auto* job = new DemoJob(DemoJob::Options{});
    connect(job, &DemoJob::ready, this, [this](const DemoWorkspace& w) {
        m_demo = w;
        Q_EMIT demoReady(w);
        openModel(w.modelPath);
    });
    connect(job, &Job::failed, this, [this](const Error& e) { Q_EMIT errorOccurred(tr("Cannot prepare the demo workspace"), e); });
    run(job);
}

void StudioContext::setExcludedLayers(const QStringList& patterns)
{
    QStringList unique;
    for (const QString& p : patterns) {
        if (!p.trimmed().isEmpty() && !unique.contains(p.trimmed()))
            unique << p.trimmed();
    }
    if (unique == m_excluded)
        return;
    m_excluded = unique;
    Q_EMIT excludedLayersChanged(m_excluded);
}

void StudioContext::addVariant(const Variant& variant)
{
    // Quantizing the same scheme again writes the same artifact: the new variant replaces it.
    for (int i = 0; i < m_variants.size(); ++i) {
        if (!variant.artifactPath.isEmpty() && m_variants[i].artifactPath == variant.artifactPath) {
            m_variants.remove(i);
            break;
        }
    }
    m_variants << variant;
    Q_EMIT variantAdded(variant);
}

void StudioContext::addRun(const RunResult& run)
{
    m_runs << run;
    Q_EMIT runAdded(run);
}

void StudioContext::record(JobRecorder* recorder, Job* job)
{
    recorder->setParent(job);
    // Emitted on the job's thread; the context forwards them on the GUI thread.
    connect(recorder, &JobRecorder::runRecorded, this, &StudioContext::runRecorded, Qt::QueuedConnection);
    connect(recorder, &JobRecorder::recordFailed, this,
            [this](const Error& e) { showStatus(tr("Not recorded in the run database: %1").arg(e.message)); }, Qt::QueuedConnection);
}

QString StudioContext::databasePath()
{
    const QString p = QSettings().value(QStringLiteral("store/path")).toString();
    return p.isEmpty() ? paths::defaultDatabase() : p;
}

void StudioContext::setDatabasePath(const QString& path)
{
    if (path == databasePath())
        return;
    QSettings().setValue(QStringLiteral("store/path"), path == paths::defaultDatabase() ? QString() : path);
    Q_EMIT databasePathChanged(databasePath());
}

QString StudioContext::defaultVariantsDir()
{
    return paths::dataDir() + QStringLiteral("/variants");
}

QString StudioContext::variantsDir()
{
    const QString d = QSettings().value(QStringLiteral("quantize/variantsDir")).toString();
    return d.isEmpty() ? defaultVariantsDir() : d;
}

void StudioContext::setVariantsDir(const QString& dir)
{
    QSettings().setValue(QStringLiteral("quantize/variantsDir"), dir == defaultVariantsDir() ? QString() : dir);
}

QStringList StudioContext::recentFiles() const
{
    QStringList files = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    files.erase(std::remove_if(files.begin(), files.end(), [](const QString& f) { return !QFileInfo::exists(f); }), files.end());
    return files;
}

void StudioContext::clearRecentFiles()
{
    QSettings().remove(QLatin1String(kRecentKey));
    Q_EMIT recentFilesChanged();
}

void StudioContext::addRecentFile(const QString& path)
{
    QStringList files = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecent)
        files.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), files);
    Q_EMIT recentFilesChanged();
}

} // namespace qs::ui
