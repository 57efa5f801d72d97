// Pages that show how many reminders are left and ask for more inside a tap: the page names what it
// asks for (its consent purpose) and shows the counts in showReminders(); every tap that calls
// askForReminders() asks, and the counts shown go up once the answer is recorded.
import { askAndCount, type ConsentPurpose, type ReminderCounts } from '../services/subscriptions';
import { defineBehavior } from '../utils/component';

export function remindersBehavior(purpose: ConsentPurpose) {
  return defineBehavior<
    { askForReminders(): void; onRemind(): void },
    { data: { reminders: ReminderCounts | null }; showReminders(counts: ReminderCounts | null): void }
  >({
    methods: {
      askForReminders(): void {
        askAndCount(
          purpose,
          () => this.data.reminders,
          (reminders) => this.showReminders(reminders),
        );
      },
      onRemind(): void {
        this.askForReminders();
      },
    },
  });
}
