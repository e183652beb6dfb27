// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QMetaType>
#include <QtCore/QString>

#include <optional>
#include <utility>
#include <variant>

namespace qs {

/// \brief What went wrong, said so that the user knows which file/layer/value and what to do.
struct Error
{
    /// Kinds of failure; each maps to one CLI exit code (see docs/cli.md).
    enum class Kind {
        Usage,         ///< bad command line or option value
        BadInput,      ///< a file or value the user gave us is not usable
        ModelFailure,  ///< the model itself failed (forward threw, NaN, out of memory)
        Database,      ///< the run store could not be read or written
        Io,            ///< a file could not be written
        Cancelled,     ///< the user cancelled
        Internal,      ///< a bug in Quantscope
    };

    Kind kind = Kind::Internal;
    QString message; ///< one or two sentences for the user: what, where, and what to do
    QString details; ///< the raw text from LibTorch/SQLite/the OS, for a details section

    Error() = default;
    Error(Kind k, QString msg, QString det = {}) : kind(k), message(std::move(msg)), details(std::move(det)) {}

    static Error usage(QString msg) { return {Kind::Usage, std::move(msg)}; }
    static Error badInput(QString msg, QString det = {}) { return {Kind::BadInput, std::move(msg), std::move(det)}; }
    static Error model(QString msg, QString det = {}) { return {Kind::ModelFailure, std::move(msg), std::move(det)}; }
    static Error io(QString msg, QString det = {}) { return {Kind::Io, std::move(msg), std::move(det)}; }
    static Error cancelled() { return {Kind::Cancelled, QStringLiteral("Cancelled by the user.")}; }

    /// Process exit code for the CLI.
    int exitCode() const;
    /// "message" or "message\n  details" for terminals.
    QString toText(bool withDetails = true) const;
};

/// \brief A value or an Error; the return type of everything that can fail on user input.
template<typename T>
class Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_v); }
    const T& value() const& { return std::get<T>(m_v); }
    T&& value() && { return std::get<T>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// \brief Success or an Error, for operations without a value.
class Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::Error)
