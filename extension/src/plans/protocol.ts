// The plan view's side of the protocol. The C# side declares the same method name in
// server/DbAgent.Server/Features/Custom/CustomMethods.cs (StatementPlan).
import { RequestType } from 'vscode-jsonrpc';

export interface StatementPlanParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
  /** The table a plan finding is about: its full scan is highlighted. */
  relation?: string;
}

/** One plan operator as the view draws it. `costShare` is the node's own cost over the plan's total (0..1). */
export interface PlanTreeNode {
  id: number;
  nodeType: string;
  relation: string | null;
  index: string | null;
  rows: number | null;
  cost: number | null;
  costShare: number;
  highlighted: boolean;
  children: PlanTreeNode[];
}

export interface StatementPlanResult {
  ok: boolean;
  message: string | null;
  sql: string | null;
  engine: string | null;
  before: PlanTreeNode | null;
  after: PlanTreeNode | null;
  indexes: string[];
}

export const StatementPlanRequest = new RequestType<StatementPlanParams, StatementPlanResult, void>('dbagent/statementPlan');
