package cnnc.syntax;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's default recovery, except at the top level: there, a token that cannot continue the
 * file (junk after a statement, an unknown word where a statement should start) is reported and
 * skipped up to the next separator. The default would throw, and the top rule would then skip
 * to the end of the file, losing every later statement and its diagnostics.
 */
final class LineRecovery extends DefaultErrorStrategy {

    @Override
    public void sync(Parser recognizer) {
        if (recognizer.getContext() instanceof CnnParser.ProgramContext) {
            ATNState state = recognizer.getInterpreter().atn.states.get(recognizer.getState());
            int type = state.getStateType();
            if (type == ATNState.STAR_LOOP_ENTRY || type == ATNState.STAR_LOOP_BACK) {
                int la = recognizer.getInputStream().LA(1);
                IntervalSet next = recognizer.getATN().nextTokens(state);
                if (!next.contains(la) && !next.contains(Token.EPSILON)) {
                    reportUnwantedToken(recognizer); // silent while already recovering on this line
                    consumeUntil(recognizer, next);
                }
                return;
            }
        }
        super.sync(recognizer);
    }
}
