// SPDX-License-Identifier: GPL-3.0-or-later
// The model loader from memory: file sniffing, the not-TorchScript explanations, LibTorch's
// archive reader behind our checks, and inspection of whatever loads.
#include "tests/fuzz/fuzztarget.h"

#include "core/common/torchwarnings.h"
#include "core/model/filesniffer.h"
#include "core/model/inspector.h"
#include "core/model/modelloader.h"

QS_FUZZ_TARGET(modelloader)
{
    static const bool init = [] {
        qs::torchwarnings::installForThisThread();
        return true;
    }();
    (void)init;
    const QByteArray input = qs::fuzz::bytes(data, size);
    const qs::FileSniff sniff = qs::sniffBytes(input, QStringLiteral("fuzz.pt"));
    (void)qs::explainNotTorchScript(sniff);
    auto model = qs::loadModelFromBytes(input, QStringLiteral("fuzz.pt"));
    if (model.ok())
        (void)qs::inspectModel(*model).toJson();
    else
        (void)model.error().toText();
    return 0;
}
