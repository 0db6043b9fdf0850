/**
 * A service desk domain that exercises every rule kind: a domain role, a transition rule with
 * a role and a field condition, one on a select field, one on age_days, and a currency field.
 */
export const SERVICE_DESK_YAML = `global:
  default_domain: Desk
  config_reload_enabled: true

domains:
  Desk:
    display_name: Service Desk
    entity_labels:
      work_item: Case
      work_container: Queue
      work_handler: Dispatcher
    work_item_types:
      - code: REQUEST
        name: Request
        default_sla_days: 2
      - code: PURCHASE
        name: Purchase
        default_sla_days: 10
    custom_fields:
      - name: channel
        label: Channel
        type: select
        options: [Phone, Email, Portal]
        required: true
      - name: budget
        label: Budget
        type: currency
        required_for_types: [PURCHASE]
      - name: seats
        label: Seats
        type: number
        min: 1
        max: 500
      - name: needed_by
        label: Needed by
        type: date
      - name: justification
        label: Justification
        type: text
        required_for_priority: [Urgent]
      - name: platforms
        label: Platforms
        type: multi_select
        options: [Windows, macOS, Linux]
      - name: on_site
        label: On site
        type: boolean
    roles:
      - code: Dispatcher
        display_name: Dispatcher
        permissions: [tickets.read, tickets.read_all, tickets.transition]
    workflow:
      states:
        - code: OPEN
          name: Open
        - code: TRIAGED
          name: Triaged
        - code: APPROVED
          name: Approved
        - code: DONE
          name: Done
        - code: ARCHIVED
          name: Archived
      transitions:
        OPEN: [TRIAGED, DONE]
        TRIAGED: [APPROVED, DONE]
        APPROVED: [DONE]
        DONE: [ARCHIVED]
        ARCHIVED: []
      transition_rules:
        - from: TRIAGED
          to: APPROVED
          conditions:
            - role: Dispatcher
            - field: budget
              operator: ">="
              value: 100
        - from: OPEN
          to: DONE
          conditions:
            - field: channel
              operator: "=="
              value: Phone
        - from: DONE
          to: ARCHIVED
          conditions:
            - field: age_days
              operator: ">="
              value: 30
`;

/** Replaces `search` in `text` once, failing loudly when the text does not contain it. */
export function edit(text: string, search: string, replacement: string): string {
  if (!text.includes(search))
    throw new Error(`The configuration does not contain ${JSON.stringify(search)}`);
  return text.replace(search, replacement);
}
