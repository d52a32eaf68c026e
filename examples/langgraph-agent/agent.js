/**
 * A LangGraph.js agent for the lab (`AGENT_MODULE=examples/langgraph-agent/agent.js`): a graph of two
 * nodes, the model and the tools, looping until the model answers without calling a tool. It uses the
 * model and tools the lab hands it, so every tool call goes through the lab's proxies and is recorded.
 *
 * @type {import('@chaos-lab/agent/under-test').AgentFactory}
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';

export default function createAgent({ model, tools, lab }) {
  const llm = model.bindTools(tools);
  const system = new SystemMessage(
    `You are a helpful assistant with tools. Today is ${lab.today} (UTC). Answer from the tool results only.`,
  );
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('model', async (state, config) => ({ messages: [await llm.invoke([system, ...state.messages], config)] }))
    .addNode('tools', new ToolNode(tools))
    .addEdge(START, 'model')
    .addConditionalEdges('model', toolsCondition, ['tools', END])
    .addEdge('tools', 'model')
    .compile();
  return {
    async invoke(prompt, { signal }) {
      const state = await graph.invoke({ messages: [new HumanMessage(prompt.prompt)] }, { signal, recursionLimit: 12 });
      return state.messages.at(-1).text;
    },
  };
}
