// SPDX-License-Identifier: GPL-3.0-or-later
// The input-spec sidecar (<model>.json) and the --input shape syntax.
#include "tests/fuzz/fuzztarget.h"

#include "core/model/inputspec.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

QS_FUZZ_TARGET(inputspec)
{
    const QByteArray input = qs::fuzz::bytes(data, size);
    const QJsonDocument doc = QJsonDocument::fromJson(input);
    if (doc.isObject()) {
        auto spec = qs::InputSpec::fromJson(doc.object(), QStringLiteral("fuzz.json"));
        if (spec.ok()) {
            // What we write must read back the same.
            auto again = qs::InputSpec::fromJson(spec->toJson(), QStringLiteral("fuzz.json"));
            if (!again.ok() || !(*again == *spec))
                __builtin_trap();
            (void)spec->withBatch(7).toString();
        }
    }
    const QString text = QString::fromUtf8(input);
    (void)qs::TensorSpec::parse(text);
    auto line = qs::InputSpec::parseLine(text);
    if (line.ok()) {
        auto again = qs::InputSpec::parseLine(line->toEditString());
        if (!again.ok() || !(*again == *line))
            __builtin_trap();
    }
    return 0;
}
