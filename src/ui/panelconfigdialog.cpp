#include "ui/panelconfigdialog.h"

#include "telemetry/fieldformat.h"
#include "telemetry/namepattern.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace Sightline {

namespace {

constexpr int kAllRow = 0; // the first list row stands for "all"

QStringList splitPatterns(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty() && !out.contains(trimmed))
            out.append(trimmed);
    }
    return out;
}

bool hasGlob(const QString &pattern)
{
    return pattern.contains(QLatin1Char('*'));
}

} // namespace

PanelConfigDialog::PanelConfigDialog(const PanelSpec &spec, const QStringList &knownDevices,
                                     const QStringList &knownFields, QWidget *parent)
    : QDialog(parent)
    , m_knownDevices(knownDevices)
    , m_knownFields(knownFields)
{
    setWindowTitle(tr("Configure panel"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_title = new QLineEdit(spec.title, this);
    m_title->setPlaceholderText(tr("A name made from the fields and devices"));
    form->addRow(tr("&Title:"), m_title);
    layout->addLayout(form);

    const bool hasDevices = spec.type != PanelType::Alerts;
    const bool hasFields = spec.type == PanelType::Chart || spec.type == PanelType::Stat || spec.type == PanelType::Fleet;
    auto *pickers = new QHBoxLayout;
    if (hasDevices) {
        pickers->addWidget(buildPicker(tr("Devices"), false, knownDevices, spec.devices, &m_deviceList, &m_devicePatterns,
                                       &m_deviceMatches));
    }
    if (hasFields) {
        pickers->addWidget(buildPicker(tr("Fields"), true, knownFields, spec.fields, &m_fieldList, &m_fieldPatterns,
                                       &m_fieldMatches));
    }
    layout->addLayout(pickers, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    updateMatches();
    resize(560, 420);
}

PanelConfigDialog::~PanelConfigDialog() = default;

QWidget *PanelConfigDialog::buildPicker(const QString &what, bool isFields, const QStringList &known,
                                        const std::optional<QStringList> &chosenPatterns, QListWidget **listOut,
                                        QLineEdit **patternsOut, QLabel **matchesOut)
{
    auto *box = new QGroupBox(what, this);
    auto *layout = new QVBoxLayout(box);
    auto *list = new QListWidget(box);
    auto *all = new QListWidgetItem(tr("All (also those that appear later)"), list);
    all->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    const bool isAll = !chosenPatterns || chosenPatterns->isEmpty() || chosenPatterns->contains(QStringLiteral("*"));
    all->setCheckState(isAll ? Qt::Checked : Qt::Unchecked);
    QStringList typed;
    if (chosenPatterns) {
        for (const QString &pattern : *chosenPatterns) {
            if (pattern != QStringLiteral("*") && (hasGlob(pattern) || !known.contains(pattern)))
                typed.append(pattern);
        }
    }
    for (const QString &name : known) {
        auto *item = new QListWidgetItem(name, list);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setData(Qt::UserRole, name);
        const bool ticked = !isAll && chosenPatterns && chosenPatterns->contains(name);
        item->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
        if (isFields && fieldLabel(name) != name)
            item->setToolTip(fieldLabel(name));
    }
    auto *patterns = new QLineEdit(typed.join(QStringLiteral(", ")), box);
    patterns->setPlaceholderText(tr("More names or patterns, comma-separated; * matches anything"));
    auto *matches = new QLabel(box);
    matches->setWordWrap(true);
    matches->setTextFormat(Qt::PlainText);
    layout->addWidget(list, 1);
    layout->addWidget(patterns);
    layout->addWidget(matches);

    connect(list, &QListWidget::itemChanged, this, [this, list](QListWidgetItem *item) {
        const QSignalBlocker blocker(list);
        if (list->row(item) == kAllRow && item->checkState() == Qt::Checked) {
            for (int row = kAllRow + 1; row < list->count(); ++row)
                list->item(row)->setCheckState(Qt::Unchecked);
        } else if (list->row(item) != kAllRow && item->checkState() == Qt::Checked) {
            list->item(kAllRow)->setCheckState(Qt::Unchecked);
        }
        updateMatches();
    });
    connect(patterns, &QLineEdit::textChanged, this, [this, list](const QString &text) {
        if (!text.trimmed().isEmpty()) {
            const QSignalBlocker blocker(list);
            list->item(kAllRow)->setCheckState(Qt::Unchecked);
        }
        updateMatches();
    });
    *listOut = list;
    *patternsOut = patterns;
    *matchesOut = matches;
    return box;
}

std::optional<QStringList> PanelConfigDialog::chosen(const QListWidget *list, const QLineEdit *patterns)
{
    if (!list)
        return std::nullopt;
    if (list->item(kAllRow)->checkState() == Qt::Checked)
        return std::nullopt;
    QStringList out;
    for (int row = kAllRow + 1; row < list->count(); ++row) {
        if (list->item(row)->checkState() == Qt::Checked)
            out.append(list->item(row)->data(Qt::UserRole).toString());
    }
    for (const QString &pattern : splitPatterns(patterns->text())) {
        if (!out.contains(pattern))
            out.append(pattern);
    }
    if (out.isEmpty())
        return std::nullopt; // nothing chosen reads as all, never as an empty panel nobody asked for
    return out;
}

QString PanelConfigDialog::title() const
{
    return m_title->text().trimmed();
}

std::optional<QStringList> PanelConfigDialog::devices() const
{
    return chosen(m_deviceList, m_devicePatterns);
}

std::optional<QStringList> PanelConfigDialog::fields() const
{
    return chosen(m_fieldList, m_fieldPatterns);
}

void PanelConfigDialog::updateMatches()
{
    const auto describe = [](QLabel *label, const std::optional<QStringList> &patterns, const QStringList &known) {
        if (!label)
            return;
        if (!patterns) {
            label->setText(tr("All %n known now, and any that appear later.", nullptr, int(known.size())));
            return;
        }
        const QStringList matched = filterByNamePatterns(*patterns, known);
        label->setText(matched.isEmpty() ? tr("Matches none of the known names yet.")
                                         : tr("Matches %n known now: ", nullptr, int(matched.size()))
                                                 + matched.join(QStringLiteral(", ")));
    };
    describe(m_deviceMatches, devices(), m_knownDevices);
    describe(m_fieldMatches, fields(), m_knownFields);
}

} // namespace Sightline
