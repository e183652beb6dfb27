// SPDX-License-Identifier: GPL-3.0-or-later
#include "job.h"

#include "core/common/logging.h"
#include "core/common/torcherror_p.h"
#include "core/common/torchwarnings.h"

#include <exception>

namespace qs {

Job::Job(const QString& title, QObject* parent) : QObject(parent), m_title(title)
{
    qRegisterMetaType<qs::Error>();
}

Job::~Job() = default;

bool Job::isDone() const
{
    const State s = m_state.load();
    return s == State::Succeeded || s == State::Failed || s == State::Cancelled;
}

Error Job::error() const
{
    QMutexLocker lock(&m_mutex);
    return m_error;
}

void Job::cancel()
{
    m_cancel.store(true);
}

void Job::checkCancelled() const
{
    if (m_cancel.load(std::memory_order_relaxed))
        throw JobCancelled{};
}

void Job::setProgress(int permille, const QString& message)
{
    permille = std::clamp(permille, 0, 1000);
    const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
    const bool messageChanged = !message.isNull() && message != m_lastMessage;
    if (!messageChanged && (permille == m_lastPermille || (m_lastEmitMs >= 0 && now - m_lastEmitMs < 50 && permille < 1000)))
        return;
    m_lastEmitMs = now;
    m_lastPermille = permille;
    if (!message.isNull())
        m_lastMessage = message;
    // A simple linear ETA once there is enough history to mean anything.
    qint64 eta = -1;
    if (permille >= 10 && permille < 1000 && now > 500)
        eta = now * (1000 - permille) / permille;
    Q_EMIT progress(permille, m_lastMessage, eta);
}

Status Job::runNow()
{
    if (m_state.load() != State::Pending)
        return Error(Error::Kind::Internal, QStringLiteral("The job '%1' has already run.").arg(m_title));
    m_state.store(State::Running);
    m_clock.start();
    torchwarnings::installForThisThread();
    Q_EMIT started();
    Status result;
    try {
        if (m_cancel.load())
            throw JobCancelled{};
        result = run();
    } catch (const JobCancelled&) {
        result = Error::cancelled();
    } catch (const std::exception&) {
        // Not e.what(): a TorchScript ErrorReport's what() can abort (core/common/torcherror.cpp).
        result = Error(Error::Kind::Internal,
                       QStringLiteral("%1 failed unexpectedly: %2").arg(m_title, detail::condenseCurrentException().full.trimmed()));
    } catch (...) {
        result = Error(Error::Kind::Internal, QStringLiteral("%1 failed unexpectedly.").arg(m_title));
    }
    if (result.ok()) {
        m_state.store(State::Succeeded);
        Q_EMIT progress(1000, m_lastMessage, 0);
        Q_EMIT succeeded();
    } else if (result.error().kind == Error::Kind::Cancelled) {
        {
            QMutexLocker lock(&m_mutex);
            m_error = result.error();
        }
        m_state.store(State::Cancelled);
        Q_EMIT cancelled();
    } else {
        {
            QMutexLocker lock(&m_mutex);
            m_error = result.error();
        }
        qCInfo(lcJobs) << m_title << "failed:" << result.error().message;
        m_state.store(State::Failed);
        Q_EMIT failed(result.error());
    }
    Q_EMIT finished();
    return result;
}

} // namespace qs
